//! An end user's access token: sign in anonymously (no credentials needed), then call the
//! API as that user.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env cargo run --example access_token
//! ```
//! (Anonymous sign-in must be enabled for the environment.)

use cloudbase_api::{Client, ClientBuilder, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let anonymous = Client::from_env()?;
    let token =
        anonymous.auth().anonymous_token().x_device_id("cloudbase-rs-example-device").send().await?.into_inner();
    let access_token = token.access_token.ok_or("the sign-in reply has no access_token")?;
    println!("signed in anonymously (scope {:?}, expires in {:?} s)", token.scope, token.expires_in);

    let user = ClientBuilder::from_env()?.credentials(Credentials::access_token(access_token)).build()?;
    let me = user.auth().user_me().send().await?;
    println!("user {:?}, status {:?}", me.sub, me.status);
    Ok(())
}
