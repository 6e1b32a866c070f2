//! Tokens that expire: a `RefreshingToken` signs in again shortly before each token expires,
//! once for however many requests are waiting, and after the server rejects a token.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env cargo run --example token_provider
//! ```

use cloudbase_api::{Client, ClientBuilder, Credentials, RefreshingToken, Token};
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let anonymous = Client::from_env()?;
    let tokens = RefreshingToken::new(move || {
        let anonymous = anonymous.clone();
        async move {
            let reply = anonymous.auth().anonymous_token().x_device_id("cloudbase-rs-example-device").send().await?;
            let token = reply.into_inner();
            let value = token.access_token.unwrap_or_default();
            Ok(Token::new(value, token.expires_in.map(|s| Duration::from_secs(s.max(0) as u64))))
        }
    });
    let client = ClientBuilder::from_env()?.credentials(Credentials::provider(tokens)).build()?;

    // Both calls share one sign-in.
    let (me, providers) = tokio::join!(client.auth().user_me().send(), client.auth().user_providers().send());
    println!("user {:?}; {} identity providers", me?.sub, providers?.data.as_ref().map_or(0, Vec::len));
    Ok(())
}
