use cloudbase_api::{Client, Credentials, Region, RetryPolicy};
use std::time::Duration;

fn client(api_key: String) -> Result<Client, cloudbase_api::Error> {
    Client::builder()
        .env_id("my-env-1a2b")                       // https://my-env-1a2b.api.tcloudbasegateway.com
        .region(Region::Mainland)                    // or Region::International
        .credentials(Credentials::api_key(api_key))  // or ::access_token, ::publishable_key, ::basic, ::provider
        .timeout(Duration::from_secs(20))            // each attempt (default 60 s)
        .retry(RetryPolicy::default().max_attempts(4))
        .http_client(|http| http.pool_max_idle_per_host(8)) // proxies, pool, DNS: reqwest's builder
        .on_attempt(|attempt| eprintln!("{} {} -> {:?} in {:?}", attempt.method, attempt.url, attempt.status, attempt.elapsed))
        .build()
}
