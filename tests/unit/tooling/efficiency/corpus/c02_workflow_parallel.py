# Source: anthropics/anthropic-cookbook, patterns/agents/basic_workflows.ipynb (MIT).
# Excerpt, shortened; llm_call as in patterns/agents/util.py.
from concurrent.futures import ThreadPoolExecutor

from anthropic import Anthropic

client = Anthropic()


def llm_call(prompt: str, model="claude-3-5-sonnet-20241022") -> str:
    response = client.messages.create(
        model=model, max_tokens=4096, messages=[{"role": "user", "content": prompt}]
    )
    return response.content[0].text


def parallel(prompt: str, inputs: list[str], n_workers: int = 3) -> list[str]:
    """Process multiple inputs concurrently with the same prompt."""
    with ThreadPoolExecutor(max_workers=n_workers) as executor:
        futures = [executor.submit(llm_call, f"{prompt}\nInput: {x}") for x in inputs]
        return [f.result() for f in futures]
