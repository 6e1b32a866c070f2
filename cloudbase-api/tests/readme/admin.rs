use cloudbase_api::{Client, Credentials};

fn admin(secret_id: String, secret_key: String) -> Result<Client, cloudbase_api::Error> {
    Client::builder()
        .env_id("my-env-1a2b")
        .credentials(Credentials::secret_key(secret_id, secret_key)) // or ::temporary_secret_key(id, key, token)
        .build()
}
