//! Chat helpers against a loopback server: the request on the wire, the reply, and a stream
//! joined back into one message (content, reasoning, tool calls across chunks, usage).

use crate::support::{Reply, TestServer, client};
use cloudbase_api::chat::ChatAccumulator;
use futures_util::StreamExt;
use serde_json::json;

#[tokio::test]
async fn send_posts_the_conversation_and_decodes_the_reply() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1234567890, "model": "hy3-preview",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "李白(701年—762年)..."}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 150, "total_tokens": 160}
            }),
        )
    })
    .await;
    let reply = client(&server)
        .ai_model()
        .chat("cloudbase", "hy3-preview")
        .system("Be brief.")
        .user("介绍一下李白")
        .temperature(0.3)
        .field("top_p", 0.9)
        .send()
        .await
        .unwrap();
    let choice = &reply.choices.as_ref().unwrap()[0];
    assert_eq!(choice.finish_reason.as_deref(), Some("stop"));
    assert_eq!(reply.usage.as_ref().unwrap().total_tokens, Some(160));
    let request = server.only_request();
    assert_eq!(request.path(), "/v1/ai/cloudbase/chat/completions");
    assert_eq!(
        request.json(),
        json!({
            "model": "hy3-preview",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "介绍一下李白"}],
            "stream": false, "temperature": 0.3, "top_p": 0.9
        })
    );
}

#[tokio::test]
async fn a_stream_joins_into_the_final_message() {
    let chunks = [
        json!({"id": "c", "choices": [{"index": 0, "delta": {"role": "assistant", "reasoning_content": "Think"}}]}),
        json!({"id": "c", "choices": [{"index": 0, "delta": {"reasoning_content": "ing."}}]}),
        json!({"id": "c", "choices": [{"index": 0, "delta": {"content": "Let me "}}]}),
        json!({"id": "c", "choices": [{"index": 0, "delta": {"content": "check.", "tool_calls": [
            {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"ci"}}
        ]}}]}),
        json!({"id": "c", "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "function": {"arguments": "ty\":\"Xi'an\"}"}},
            {"index": 1, "id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
        ]}}]}),
        json!({"id": "c", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}],
               "usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}}),
    ];
    let body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect::<String>() + "data: [DONE]\n\n";
    let server =
        TestServer::start(move |_| Reply::new(200).header("Content-Type", "text/event-stream").body(body.clone()))
            .await;
    let mut stream =
        client(&server).ai_model().chat("deepseek", "deepseek-r1").user("weather?").send_stream().await.unwrap();
    let mut whole = ChatAccumulator::default();
    let mut count = 0;
    while let Some(chunk) = stream.next().await {
        whole.push(&chunk.unwrap());
        count += 1;
    }
    assert_eq!(count, 6, "ends at [DONE] without an error");
    let message = whole.finish();
    assert_eq!(message.role.as_deref(), Some("assistant"));
    assert_eq!(message.content, "Let me check.");
    assert_eq!(message.reasoning_content, "Thinking.");
    assert_eq!(message.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(message.usage.and_then(|u| u.total_tokens), Some(12));
    let calls: Vec<(String, String, String)> = message
        .tool_calls
        .iter()
        .map(|c| {
            let f = c.function.clone().unwrap();
            (c.id.clone().unwrap(), f.name.unwrap(), f.arguments.unwrap())
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("call_1".into(), "get_weather".into(), "{\"city\":\"Xi'an\"}".into()),
            ("call_2".into(), "get_time".into(), "{}".into())
        ]
    );
    let request = server.only_request();
    assert_eq!(request.json()["stream"], json!(true));
    assert_eq!(request.header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn anthropic_messages_stream_joins_text_thinking_and_stop_reason() {
    let events = [
        ("message_start", json!({"type": "message_start", "message": {"id": "msg_1", "model": "hy3-preview"}})),
        (
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Hmm."}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hello"}}),
        ),
        (
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": ", 李白"}}),
        ),
        (
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}}),
        ),
        ("message_stop", json!({"type": "message_stop"})),
    ];
    let body: String = events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect();
    let server =
        TestServer::start(move |_| Reply::new(200).header("Content-Type", "text/event-stream").body(body.clone()))
            .await;
    let mut stream = client(&server)
        .ai_model()
        .messages("cloudbase", "hy3-preview", 1024)
        .system("Be brief.")
        .user("Hello")
        .send_stream()
        .await
        .unwrap();
    let mut whole = cloudbase_api::chat::AnthropicAccumulator::default();
    while let Some(event) = stream.next().await {
        whole.push(&event.unwrap());
    }
    let message = whole.finish();
    assert_eq!((message.text.as_str(), message.thinking.as_str()), ("Hello, 李白", "Hmm."));
    assert_eq!(message.stop_reason.as_deref(), Some("end_turn"));
    assert_eq!(message.usage, Some(json!({"output_tokens": 9})));
    let request = server.only_request();
    assert_eq!(request.path(), "/v1/ai/cloudbase/v1/messages");
    assert_eq!(
        request.json(),
        json!({"model": "hy3-preview", "max_tokens": 1024, "system": "Be brief.",
               "messages": [{"role": "user", "content": "Hello"}], "stream": true})
    );
}

#[tokio::test]
async fn anthropic_messages_send_decodes_the_content_blocks() {
    let server = TestServer::start(|_| {
        Reply::json(200, json!({"id": "msg_1", "type": "message", "content": [{"type": "text", "text": "Hello!"}], "stop_reason": "end_turn"}))
    })
    .await;
    let reply = client(&server).ai_model().messages("cloudbase", "hy3-preview", 64).user("Hi").send().await.unwrap();
    let content = reply.content.unwrap();
    assert_eq!(content[0].text.as_deref(), Some("Hello!"));
    assert_eq!(reply.extra.get("stop_reason"), Some(&json!("end_turn")));
    assert_eq!(server.only_request().json()["stream"], json!(false));
}
