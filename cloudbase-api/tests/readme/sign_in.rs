use cloudbase_api::Client;

async fn sign_in(client: &Client, code: &str) -> Result<(), cloudbase_api::Error> {
    let sent = client.auth().send_phone_code("+86 13800138000").await?;
    let verified = client.auth().verify_code(&sent, code).await?;
    let session = client.auth().sign_in_with_verification(&verified).await?;
    let me = session.client().auth().user_me().send().await?;   // any operation, as that user
    println!("signed in: {:?}", me.into_inner());
    Ok(())
}
