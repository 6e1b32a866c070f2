//! Where the examples send requests: `CLOUDBASE_BASE_URL` (a local mock server), or the
//! environment `CLOUDBASE_ENV_ID` behind the mainland gateway (`CLOUDBASE_REGION=intl` for the
//! international one, or the environment's region, e.g. `ap-singapore`).

use cloudbase_api::{Client, ClientBuilder, Region};

pub fn client_builder() -> Result<ClientBuilder, Box<dyn std::error::Error>> {
    let builder = Client::builder();
    if let Ok(url) = std::env::var("CLOUDBASE_BASE_URL") {
        return Ok(builder.base_url(url));
    }
    let env_id = std::env::var("CLOUDBASE_ENV_ID").map_err(|_| "set CLOUDBASE_ENV_ID (or CLOUDBASE_BASE_URL)")?;
    let region = match std::env::var("CLOUDBASE_REGION") {
        Err(_) => Region::Mainland,
        Ok(name) if name == "intl" => Region::International,
        Ok(name) => Region::from_name(&name).ok_or(format!("CLOUDBASE_REGION={name:?} is not a region name"))?,
    };
    Ok(builder.env_id(env_id).region(region))
}

#[allow(dead_code)] // not every example needs a credential of its own
pub fn required(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| format!("set {name}").into())
}
