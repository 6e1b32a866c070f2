//! PG-mode storage: upload a file into a bucket (streamed, with progress), list the bucket,
//! download the object back to a file, and print a signed URL for it.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example storage_pg -- avatars ./me.png
//! ```

use cloudbase_api::{ByteStream, Client};
use futures_util::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut args = std::env::args().skip(1);
    let (bucket, path) = match (args.next(), args.next()) {
        (Some(bucket), Some(path)) => (bucket, path),
        _ => return Err("give a bucket and a file to upload".into()),
    };
    let file_name = std::path::Path::new(&path).file_name().and_then(|n| n.to_str()).unwrap_or("upload.bin");
    let name = format!("examples/{file_name}");
    let objects = client.storage_pg().objects(bucket);

    let body = ByteStream::from_path(&path).await?.on_progress(|p| {
        if p.total() == Some(p.transferred()) {
            println!("sent {} bytes", p.transferred());
        }
    });
    let key = objects.upload(&name, body).upsert(true).send().await?;
    println!("uploaded as {key}");

    let listed: Vec<_> = objects.list("examples/").try_collect().await?;
    println!("{} entries under examples/", listed.len());

    let copy = std::env::temp_dir().join(format!("downloaded-{file_name}"));
    let written = objects.download(&name).await?.write_to_file(&copy).await?;
    println!("downloaded {written} bytes to {}", copy.display());

    println!("signed URL: {}", objects.signed_url(&name, 600).await?);
    Ok(())
}
