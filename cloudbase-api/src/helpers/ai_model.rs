//! Chat completions made short, on the generated [`ai_model`](crate::ai_model) operations:
//! [`AiModelApi::chat`] builds the request, [`Chat::send`] returns the reply, [`Chat::send_stream`]
//! yields typed deltas until `[DONE]`, and [`ChatAccumulator`] joins a stream back into the final
//! message (content, reasoning content and tool calls joined across chunks).
//!
//! ```no_run
//! use futures_util::StreamExt;
//!
//! # async fn demo(client: cloudbase_api::Client) -> Result<(), cloudbase_api::Error> {
//! let reply = client.ai_model().chat("cloudbase", "hy3-preview").system("Be brief.").user("介绍一下李白").send().await?;
//! println!("{:?}", reply.choices);
//!
//! let mut stream = client.ai_model().chat("cloudbase", "hy3-preview").user("写一首诗").send_stream().await?;
//! let mut whole = cloudbase_api::chat::ChatAccumulator::default();
//! while let Some(chunk) = stream.next().await {
//!     let chunk = chunk?;
//!     print!("{}", chunk.choices.iter().flatten().filter_map(|c| c.delta.as_ref()?.content.clone()).collect::<String>());
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
    /// for choice in reply.choices.unwrap_or_default() {
    ///     println!("{:?}", choice.message.and_then(|m| m.content));
    /// }
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

    /// The reply as it is generated: one chunk per event, ending cleanly at `[DONE]`.
    pub async fn send_stream(mut self) -> Result<EventStream<ChatCompletionChunk>, Error> {
        self.request.stream = Some(true);
        self.api.create_chat_completion().provider(self.provider).body(self.request).send_stream().await
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
        let Some(choice) = chunk.choices.iter().flatten().find(|c| c.index.unwrap_or(0) == 0) else { return };
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
    /// println!("{:?}", reply.content);
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
            Some("text_delta") => self.message.text.push_str(delta.text.as_deref().unwrap_or_default()),
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
