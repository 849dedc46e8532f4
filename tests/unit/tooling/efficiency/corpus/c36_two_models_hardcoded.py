# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_llm_apps/llm_optimization_tools/toonify_token_optimization/toonify_demo.py
# (Apache-2.0). Excerpt, shortened: the same prompt to two hard-coded models.
import anthropic
from openai import OpenAI


def compare_costs(prompt: str):
    openai_client = OpenAI()
    gpt = openai_client.chat.completions.create(
        model="gpt-4",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=500,
    )
    claude_client = anthropic.Anthropic()
    claude = claude_client.messages.create(
        model="claude-3-5-sonnet-20241022",  # expect: EFF003
        max_tokens=500,
        messages=[{"role": "user", "content": prompt}],
    )
    return gpt.usage, claude.usage
