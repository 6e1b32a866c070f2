//! HTTP Basic `SecretId:SecretKey` (server side only): exchange them for an administrator
//! access token, then use it.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_SECRET_ID=... CLOUDBASE_SECRET_KEY=... cargo run --example basic_credentials
//! ```

use cloudbase_api::auth::{ClientCredentialRequest, ClientCredentialRequestGrantType};
use cloudbase_api::{ClientBuilder, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let id = std::env::var("CLOUDBASE_SECRET_ID").map_err(|_| "set CLOUDBASE_SECRET_ID")?;
    let key = std::env::var("CLOUDBASE_SECRET_KEY").map_err(|_| "set CLOUDBASE_SECRET_KEY")?;
    let basic = ClientBuilder::from_env()?.credentials(Credentials::basic(id, key)).build()?;
    let request = ClientCredentialRequest { grant_type: ClientCredentialRequestGrantType::ClientCredentials };
    let token = basic.auth().client_credential().body(request).send().await?.into_inner();
    let access_token = token.access_token.ok_or("the reply has no access_token")?;
    println!("administrator token, expires in {:?} s", token.expires_in);

    let admin = ClientBuilder::from_env()?.credentials(Credentials::access_token(access_token)).build()?;
    let reply = admin.functions().invoke_function().name("hello").send().await?;
    println!("HTTP {}: {:?}", reply.status(), reply.into_inner());
    Ok(())
}
