# Source: nmaswood/fgpt, python/springtime/springtime/services/anthropic_client.py.
# Rewritten to the same shape: Anthropic's legacy Text Completions API.
from anthropic import AI_PROMPT, HUMAN_PROMPT, Anthropic

MAX_TOKENS_TO_SAMPLE = 10_000


class AnthropicClient:
    def __init__(self):
        self._anthropic = Anthropic()

    def complete(self, prompt: str) -> str:
        response = self._anthropic.completions.create(
            model="claude-2",
            prompt=f"{HUMAN_PROMPT} {prompt} {AI_PROMPT}",
            max_tokens_to_sample=MAX_TOKENS_TO_SAMPLE,
        )
        return response.completion
