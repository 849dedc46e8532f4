# Source: anthropics/anthropic-cookbook, patterns/agents/util.py and
# patterns/agents/basic_workflows.ipynb (MIT). Excerpt, shortened.
import os

from anthropic import Anthropic


def llm_call(prompt: str, system_prompt: str = "", model="claude-3-5-sonnet-20241022") -> str:
    client = Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
    messages = [{"role": "user", "content": prompt}]
    response = client.messages.create(
        model=model,
        max_tokens=4096,
        system=system_prompt,
        messages=messages,
        temperature=0.1,
    )
    return response.content[0].text


def chain(input: str, prompts: list[str]) -> str:
    """Each step feeds the previous answer to the next prompt: not batchable."""
    result = input
    for i, prompt in enumerate(prompts, 1):
        print(f"\nStep {i}:")
        result = llm_call(f"{prompt}\nInput: {result}")
        print(result)
    return result
