//! Sign in with an SMS code and use the session.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env cargo run --example auth -- "+86 13800138000"
//! ```

use cloudbase_api::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let phone = std::env::args().nth(1).ok_or("give a phone number, e.g. \"+86 13800138000\"")?;
    let auth = client.auth();
    let sent = auth.send_phone_code(&phone).await?;
    print!("code sent (existing user: {:?}); enter it: ", sent.is_user);
    std::io::Write::flush(&mut std::io::stdout())?;
    let mut code = String::new();
    std::io::stdin().read_line(&mut code)?;
    let verified = auth.verify_code(&sent, code.trim()).await?;
    let session = auth.sign_in_with_verification(&verified).await?;
    let profile = session.profile().await?;
    println!("signed in as {:?} ({:?})", profile.sub, profile.phone_number);
    session.sign_out().await?;
    Ok(())
}
