# Source: openai/openai-cookbook, examples/api_request_parallel_processor.py (MIT).
# Rewritten to the same shape: settings come from the caller, who may set the limit.
from openai import OpenAI

client = OpenAI()


def call_api(messages: list[dict], **request_kwargs):
    response = client.chat.completions.create(messages=messages, **request_kwargs)
    return response.choices[0].message.content
