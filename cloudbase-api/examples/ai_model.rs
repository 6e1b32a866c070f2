//! Stream a chat completion and join it into the final message.
//!
//! ```sh
//! CLOUDBASE_ENV_ID=my-env CLOUDBASE_API_KEY=... cargo run --example ai_model -- "介绍一下李白"
//! ```

use cloudbase_api::Client;
use cloudbase_api::chat::ChatAccumulator;
use futures_util::StreamExt;
use std::io::Write;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let question = std::env::args().nth(1).unwrap_or_else(|| "介绍一下李白".to_owned());
    let mut stream = client
        .ai_model()
        .chat("cloudbase", "hy3-preview")
        .system("Answer briefly.")
        .user(question)
        .send_stream()
        .await?;
    let mut whole = ChatAccumulator::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        if let Some(text) = chunk.text() {
            print!("{text}");
            std::io::stdout().flush()?;
        }
        whole.push(&chunk);
    }
    let message = whole.finish();
    println!("\n[{:?}; {:?} tokens]", message.finish_reason, message.usage.and_then(|u| u.total_tokens));
    Ok(())
}
