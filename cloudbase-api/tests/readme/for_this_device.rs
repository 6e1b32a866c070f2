use cloudbase_api::Client;

fn for_this_device(stored_device_id: &str) -> Result<Client, cloudbase_api::Error> {
    let client = Client::builder().env_id("my-env-1a2b").device_id(stored_device_id).build()?;
    assert_eq!(client.device_id(), stored_device_id);
    Ok(client)
}
