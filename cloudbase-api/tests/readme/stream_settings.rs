use cloudbase_api::{Client, StalledStreamProtection};
use std::time::Duration;

fn client() -> Result<Client, cloudbase_api::Error> {
    Client::builder()
        .env_id("my-env-1a2b")
        .stream_idle_timeout(Duration::from_secs(60))
        .stalled_stream_protection(StalledStreamProtection::enabled().min_throughput(1024).grace_period(Duration::from_secs(30)))
        .transfer_timeout(Duration::from_secs(600))
        .build()
}
