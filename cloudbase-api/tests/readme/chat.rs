use cloudbase_api::Client;
use cloudbase_api::chat::ChatAccumulator;
use futures_util::StreamExt;

async fn chat(client: &Client) -> Result<(), cloudbase_api::Error> {
    let reply = client.ai_model().chat("cloudbase", "hy3-preview").user("介绍一下李白").send().await?;
    println!("{}", reply.text().unwrap_or_default());

    let mut stream = client.ai_model().chat("cloudbase", "hy3-preview").user("写一首诗").send_stream().await?;
    let mut message = ChatAccumulator::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        print!("{}", chunk.text().unwrap_or_default());
        message.push(&chunk);
    }
    println!("\n{:?}", message.finish().finish_reason);
    Ok(())
}
