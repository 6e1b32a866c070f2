use cloudbase_api::Client;
use cloudbase_api::ByteStream;
use std::time::Duration;

async fn share(client: &Client) -> Result<(), cloudbase_api::Error> {
    let id = client.storage().upload("poems/a.txt", ByteStream::from_path("a.txt").await?).await?;
    for link in client.storage().download_urls_valid_for([id.as_str()], Duration::from_secs(120)).await? {
        match link {
            Ok(info) => println!("{:?}", info.download_url),
            Err(failure) => eprintln!("{}: {}", failure.code, failure.message.unwrap_or_default()),
        }
    }
    Ok(())
}
