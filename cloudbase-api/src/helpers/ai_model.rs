//! Chat completions made short, on the generated [`ai_model`](crate::ai_model) operations:
//! [`AiModelApi::chat`] builds the request, [`Chat::send`] returns the reply, [`Chat::send_stream`]
//! yields typed deltas until `[DONE]`, and [`ChatAccumulator`] joins a stream back into the final
//! message (content, reasoning content and tool calls joined across chunks). The accessors
//! ([`ChatCompletionChunk::text`], [`ChatCompletionResponse::text`], ...) read the first choice,
//! the common case; the fields hold every choice.
//!
//! A stream the server closes or the connection cuts before `[DONE]` ends with
//! [`Error::StreamCut`], after the chunks that arrived whole.
//!
//! ```no_run
//! use futures_util::StreamExt;
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let reply = client.ai_model().chat("cloudbase", "hy3-preview").system("Be brief.").user("介绍一下李白").send().await?;
//! println!("{}", reply.text().unwrap_or_default());
//!
//! let mut stream = client.ai_model().chat("cloudbase", "hy3-preview").user("写一首诗").send_stream().await?;
//! let mut whole = cloudbase_api::chat::ChatAccumulator::default();
//! while let Some(chunk) = stream.next().await {
//!     let chunk = chunk?;
//!     print!("{}", chunk.text().unwrap_or_default());
//!     whole.push(&chunk);
//! }
//! let message = whole.finish();
//! println!("\n{:?} ({:?})", message.content, message.finish_reason);
//! # Ok(()) }
//! ```

use crate::ai_model::{
    AiModelApi, ChatCompletionChunk, ChatCompletionRequest, ChatCompletionRequestMessage, ChatCompletionResponse,
    ChatCompletionTool, ChatCompletionToolCall, ChatCompletionToolCallFunction, ChatCompletionUsage,
};
use crate::{Error, EventStream};

impl AiModelApi {
    /// A chat completion with `model` of the provider group `provider` (`cloudbase`,
    /// `hunyuan-exp`, `deepseek`, or a group configured in the console).
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let reply = client.ai_model().chat("cloudbase", "hy3-preview")
    ///     .system("Answer in one sentence.")
    ///     .user("Who was Li Bai?")
    ///     .temperature(0.3)
    ///     .send()
    ///     .await?;
    /// println!("{}", reply.text().unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub fn chat(&self, provider: impl Into<String>, model: impl Into<String>) -> Chat {
        Chat {
            api: self.clone(),
            provider: provider.into(),
            request: ChatCompletionRequest {
                model: model.into(),
                messages: Vec::new(),
                stream: None,
                temperature: None,
                tools: None,
                extra: Default::default(),
            },
        }
    }
}

/// A chat completion request; from [`AiModelApi::chat`].
#[derive(Debug, Clone)]
pub struct Chat {
    api: AiModelApi,
    provider: String,
    request: ChatCompletionRequest,
}

fn text_message(role: &str, text: impl Into<String>) -> ChatCompletionRequestMessage {
    ChatCompletionRequestMessage {
        role: role.to_owned(),
        content: Some(Some(text.into().into())),
        tool_calls: None,
        tool_call_id: None,
        extra: Default::default(),
    }
}

impl Chat {
    /// Adds a system message.
    pub fn system(self, text: impl Into<String>) -> Self {
        self.message(text_message("system", text))
    }

    /// Adds a user message.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.message(text_message("user", text))
    }

    /// Adds an assistant message (an earlier reply).
    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.message(text_message("assistant", text))
    }

    /// Adds the result of a tool call the model asked for.
    pub fn tool_result(self, tool_call_id: impl Into<String>, text: impl Into<String>) -> Self {
        let mut message = text_message("tool", text);
        message.tool_call_id = Some(tool_call_id.into());
        self.message(message)
    }

    /// Adds any message.
    pub fn message(mut self, message: ChatCompletionRequestMessage) -> Self {
        self.request.messages.push(message);
        self
    }

    /// Offers a tool (function) the model may call.
    pub fn tool(mut self, tool: ChatCompletionTool) -> Self {
        self.request.tools.get_or_insert_with(Vec::new).push(tool);
        self
    }

    /// Sampling temperature.
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.request.temperature = Some(temperature);
        self
    }

    /// A provider-specific request field (passed through as is).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.request.extra.insert(name.into(), value.into());
        self
    }

    /// The whole reply at once.
    pub async fn send(mut self) -> Result<ChatCompletionResponse, Error> {
        self.request.stream = Some(false);
        let reply = self.api.create_chat_completion().provider(self.provider).body(self.request).send().await?;
        Ok(reply.into_inner())
    }

    /// The reply as it is generated: one chunk per event, ending cleanly at `[DONE]`; a stream
    /// that ends before it yields [`Error::StreamCut`] last.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    ///
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let mut stream = client.ai_model().chat("cloudbase", "hy3-preview").user("写一首诗").send_stream().await?;
    /// while let Some(chunk) = stream.next().await {
    ///     print!("{}", chunk?.text().unwrap_or_default());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_stream(mut self) -> Result<EventStream<ChatCompletionChunk>, Error> {
        self.request.stream = Some(true);
        self.api.create_chat_completion().provider(self.provider).body(self.request).send_stream().await
    }
}

/// The choice with `index` 0 (or without an index), the one the accessors read.
fn first<C>(choices: &Option<Vec<C>>, index: impl Fn(&C) -> Option<i64>) -> Option<&C> {
    choices.iter().flatten().find(|c| index(c).unwrap_or(0) == 0)
}

impl ChatCompletionResponse {
    /// The reply text of the first choice.
    pub fn text(&self) -> Option<&str> {
        self.message()?.content.as_deref()
    }

    /// The reasoning of the first choice, from deep-thinking models (e.g. deepseek-r1).
    pub fn reasoning(&self) -> Option<&str> {
        self.message()?.reasoning_content.as_deref()
    }

    /// The tool calls the first choice asks for (empty when it asks for none).
    pub fn tool_calls(&self) -> &[ChatCompletionToolCall] {
        self.message().and_then(|m| m.tool_calls.as_deref()).unwrap_or_default()
    }

    /// Why the first choice stopped (`stop`, `tool_calls`, `length`, ...).
    pub fn finish_reason(&self) -> Option<&str> {
        first(&self.choices, |c| c.index)?.finish_reason.as_deref()
    }

    fn message(&self) -> Option<&crate::ai_model::ChatCompletionResponseMessage> {
        first(&self.choices, |c| c.index)?.message.as_ref()
    }
}

impl ChatCompletionChunk {
    /// The text this chunk adds to the first choice (`None` for a chunk without any, such as
    /// the role-only first chunk or the usage-only last one).
    pub fn text(&self) -> Option<&str> {
        self.delta()?.content.as_deref()
    }

    /// The reasoning this chunk adds to the first choice, from deep-thinking models.
    pub fn reasoning(&self) -> Option<&str> {
        self.delta()?.reasoning_content.as_deref()
    }

    /// Why the first choice stopped, on the chunk that ends it.
    pub fn finish_reason(&self) -> Option<&str> {
        first(&self.choices, |c| c.index)?.finish_reason.as_deref()
    }

    fn delta(&self) -> Option<&crate::ai_model::ChatCompletionChunkDelta> {
        first(&self.choices, |c| c.index)?.delta.as_ref()
    }
}

/// A streamed reply joined back together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatMessage {
    /// `assistant`, as the first chunk said.
    pub role: Option<String>,
    /// The reply text.
    pub content: String,
    /// The reasoning of deep-thinking models (e.g. deepseek-r1), when they send it.
    pub reasoning_content: String,
    /// Tool calls, with their arguments joined across chunks.
    pub tool_calls: Vec<ChatCompletionToolCall>,
    /// Why generation stopped (`stop`, `tool_calls`, `length`, ...).
    pub finish_reason: Option<String>,
    /// Token usage, when the provider reports it (usually in the last chunk).
    pub usage: Option<ChatCompletionUsage>,
}

/// Joins the chunks of the first choice of a streamed reply; see [`ChatMessage`].
#[derive(Debug, Clone, Default)]
pub struct ChatAccumulator {
    message: ChatMessage,
}

impl ChatAccumulator {
    /// Adds one chunk.
    pub fn push(&mut self, chunk: &ChatCompletionChunk) {
        if let Some(usage) = &chunk.usage {
            self.message.usage = Some(usage.clone());
        }
        let Some(choice) = first(&chunk.choices, |c| c.index) else { return };
        if let Some(reason) = &choice.finish_reason {
            self.message.finish_reason = Some(reason.clone());
        }
        let Some(delta) = &choice.delta else { return };
        if let Some(role) = &delta.role {
            self.message.role = Some(role.clone());
        }
        if let Some(text) = &delta.content {
            self.message.content.push_str(text);
        }
        if let Some(text) = &delta.reasoning_content {
            self.message.reasoning_content.push_str(text);
        }
        for (position, part) in delta.tool_calls.iter().flatten().enumerate() {
            // OpenAI-style deltas number their tool calls with `index`; without it, by position.
            let index = part.extra.get("index").and_then(|i| i.as_u64()).map_or(position, |i| i as usize);
            while self.message.tool_calls.len() <= index {
                self.message.tool_calls.push(ChatCompletionToolCall {
                    id: None,
                    r#type: None,
                    function: None,
                    extra: Default::default(),
                });
            }
            let call = &mut self.message.tool_calls[index];
            if part.id.is_some() {
                call.id = part.id.clone();
            }
            if part.r#type.is_some() {
                call.r#type = part.r#type.clone();
            }
            if let Some(function) = &part.function {
                let joined =
                    call.function.get_or_insert(ChatCompletionToolCallFunction { name: None, arguments: None });
                if function.name.is_some() {
                    joined.name = function.name.clone();
                }
                if let Some(arguments) = &function.arguments {
                    joined.arguments.get_or_insert_with(String::new).push_str(arguments);
                }
            }
        }
    }

    /// The joined message.
    pub fn finish(self) -> ChatMessage {
        self.message
    }
}

impl AiModelApi {
    /// A message in the Anthropic Messages protocol (provider groups set up for it, e.g.
    /// `cloudbase`), answering with at most `max_tokens` tokens.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
    /// let reply = client.ai_model().messages("cloudbase", "hy3-preview", 1024).user("Hello").send().await?;
    /// println!("{}", reply.text());
    /// # Ok(()) }
    /// ```
    pub fn messages(&self, provider: impl Into<String>, model: impl Into<String>, max_tokens: i64) -> Messages {
        Messages {
            api: self.clone(),
            provider: provider.into(),
            request: crate::ai_model::AnthropicMessagesRequest {
                model: model.into(),
                max_tokens: Some(max_tokens),
                system: None,
                messages: Vec::new(),
                stream: None,
                extra: Default::default(),
            },
        }
    }
}

/// An Anthropic Messages request; from [`AiModelApi::messages`].
#[derive(Debug, Clone)]
pub struct Messages {
    api: AiModelApi,
    provider: String,
    request: crate::ai_model::AnthropicMessagesRequest,
}

impl Messages {
    /// The system prompt.
    pub fn system(mut self, text: impl Into<String>) -> Self {
        self.request.system = Some(text.into().into());
        self
    }

    /// Adds a user turn.
    pub fn user(self, text: impl Into<String>) -> Self {
        self.turn("user", text)
    }

    /// Adds an assistant turn (an earlier reply).
    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.turn("assistant", text)
    }

    fn turn(mut self, role: &str, text: impl Into<String>) -> Self {
        self.request.messages.push(crate::ai_model::AnthropicMessageParam {
            role: role.to_owned(),
            content: text.into().into(),
            extra: Default::default(),
        });
        self
    }

    /// The whole reply at once.
    pub async fn send(mut self) -> Result<crate::ai_model::AnthropicMessagesResponse, Error> {
        self.request.stream = Some(false);
        let reply = self.api.create_anthropic_message().provider(self.provider).body(self.request).send().await?;
        Ok(reply.into_inner())
    }

    /// The reply as events (`message_start`, `content_block_delta`, ..., `message_stop`).
    pub async fn send_stream(mut self) -> Result<EventStream<crate::ai_model::AnthropicStreamEvent>, Error> {
        self.request.stream = Some(true);
        self.api.create_anthropic_message().provider(self.provider).body(self.request).send_stream().await
    }
}

impl crate::ai_model::AnthropicMessagesResponse {
    /// The text of every `text` content block, joined.
    pub fn text(&self) -> String {
        let blocks = self.content.iter().flatten().filter(|b| b.r#type == "text");
        blocks.filter_map(|b| b.text.as_deref()).collect()
    }
}

impl crate::ai_model::AnthropicStreamEvent {
    /// The text of a `text_delta` (`None` for any other event).
    pub fn text(&self) -> Option<&str> {
        let delta = self.delta.as_ref().filter(|d| d.r#type.as_deref() == Some("text_delta"))?;
        delta.text.as_deref()
    }
}

/// An Anthropic stream joined back together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnthropicMessage {
    /// The text of every `text_delta`, in order.
    pub text: String,
    /// The text of every `thinking_delta`, in order.
    pub thinking: String,
    /// Why generation stopped (`end_turn`, `max_tokens`, ...), from `message_delta`.
    pub stop_reason: Option<String>,
    /// The last `usage` an event reported.
    pub usage: Option<serde_json::Value>,
}

/// Joins the events of an Anthropic stream; see [`AnthropicMessage`].
#[derive(Debug, Clone, Default)]
pub struct AnthropicAccumulator {
    message: AnthropicMessage,
}

impl AnthropicAccumulator {
    /// Adds one event.
    pub fn push(&mut self, event: &crate::ai_model::AnthropicStreamEvent) {
        if let Some(usage) = event.extra.get("usage") {
            self.message.usage = Some(usage.clone());
        }
        let Some(delta) = &event.delta else { return };
        match delta.r#type.as_deref() {
            Some("text_delta") => self.message.text.push_str(event.text().unwrap_or_default()),
            Some("thinking_delta") => {
                self.message
                    .thinking
                    .push_str(delta.extra.get("thinking").and_then(|t| t.as_str()).unwrap_or_default());
            }
            _ => {}
        }
        if let Some(reason) = delta.extra.get("stop_reason").and_then(|r| r.as_str()) {
            self.message.stop_reason = Some(reason.to_owned());
        }
    }

    /// The joined message.
    pub fn finish(self) -> AnthropicMessage {
        self.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_accessors_read_the_choice_with_index_zero() {
        let chunk: ChatCompletionChunk = decode(json!({"choices": [
            {"index": 1, "delta": {"content": "second"}},
            {"index": 0, "delta": {"content": "first", "reasoning_content": "hmm"}, "finish_reason": "stop"},
        ]}));
        assert_eq!(
            (chunk.text(), chunk.reasoning(), chunk.finish_reason()),
            (Some("first"), Some("hmm"), Some("stop"))
        );
        let role_only: ChatCompletionChunk = decode(json!({"choices": [{"delta": {"role": "assistant"}}]}));
        assert_eq!(role_only.text(), None);
        let usage_only: ChatCompletionChunk = decode(json!({"choices": [], "usage": {"total_tokens": 3}}));
        assert_eq!((usage_only.text(), usage_only.finish_reason()), (None, None));

        let reply: ChatCompletionResponse = decode(json!({"choices": [
            {"index": 1, "message": {"content": "other"}},
            {"index": 0, "message": {"content": "李白", "tool_calls": [{"id": "t1"}]}, "finish_reason": "tool_calls"},
        ]}));
        assert_eq!((reply.text(), reply.finish_reason(), reply.reasoning()), (Some("李白"), Some("tool_calls"), None));
        assert_eq!(reply.tool_calls().len(), 1);
        let empty: ChatCompletionResponse = decode(json!({}));
        assert_eq!((empty.text(), empty.tool_calls().len()), (None, 0));
    }

    #[test]
    fn anthropic_text_joins_text_blocks_and_reads_text_deltas_only() {
        let reply: crate::ai_model::AnthropicMessagesResponse = decode(json!({"content": [
            {"type": "text", "text": "Hello"},
            {"type": "tool_use", "text": "not text"},
            {"type": "text", "text": ", world"},
        ]}));
        assert_eq!(reply.text(), "Hello, world");
        let delta: crate::ai_model::AnthropicStreamEvent =
            decode(json!({"type": "content_block_delta", "delta": {"type": "text_delta", "text": "Hi"}}));
        assert_eq!(delta.text(), Some("Hi"));
        let thinking: crate::ai_model::AnthropicStreamEvent =
            decode(json!({"type": "content_block_delta", "delta": {"type": "thinking_delta", "text": "no"}}));
        assert_eq!(thinking.text(), None);
    }
}
