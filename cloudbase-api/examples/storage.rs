//! Upload a file to cloud storage, get a download URL, delete it.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example storage -- ./poem.txt
//! ```

use cloudbase_api::{ByteStream, Client};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let path = std::env::args().nth(1).ok_or("give a file to upload")?;
    let name = std::path::Path::new(&path).file_name().and_then(|n| n.to_str()).unwrap_or("upload.bin").to_owned();
    let storage = client.storage();

    let id = storage.upload(format!("examples/{name}"), ByteStream::from_path(&path).await?).await?;
    println!("uploaded as {id}");
    for item in storage.download_urls([id.as_str()]).await? {
        match item {
            Ok(info) => println!("download: {:?}", info.download_url),
            Err(failure) => println!("no URL: {} {:?}", failure.code, failure.message),
        }
    }
    for item in storage.delete_files([id.as_str()]).await? {
        println!("delete: {:?}", item.map(|done| done.cloud_object_id));
    }
    Ok(())
}
