use cloudbase_api::storage_pg::{HeadObjectResponse, UpdateBucketRequest};
use cloudbase_api::{ByteStream, Client};
use futures_util::TryStreamExt;

async fn backup(client: &Client) -> Result<(), cloudbase_api::Error> {
    let avatars = client.storage_pg().objects("avatars");
    let photo = ByteStream::from_path("me.png").await?.on_progress(|p| println!("{} bytes", p.transferred()));
    avatars.upload("user-1/me.png", photo).content_type("image/png").upsert(true).send().await?;
    avatars.download("user-1/me.png").await?.write_to_file("backup.png").await?;
    let mut listing = avatars.list("user-1/");
    while let Some(entry) = listing.try_next().await? {
        println!("{}", entry.name());
    }
    println!("{}", avatars.signed_url("user-1/me.png", 600).await?);

    let head = client.storage_pg().head_object().bucket_id("avatars").object_name("user-1/me.png").send().await?;
    if let HeadObjectResponse::Ok(headers) = head.into_inner() {
        println!("{:?} bytes, etag {:?}", headers.content_length, headers.etag);
    }
    let no_limit = UpdateBucketRequest { file_size_limit: Some(None), ..Default::default() };
    client.storage_pg().update_bucket().bucket_id("avatars").body(no_limit).send().await?;
    Ok(())
}
