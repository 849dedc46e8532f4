# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_llm_apps/llm_apps_with_memory_tutorials/llama3_stateful_chat/local_llama3_chat.py
# (Apache-2.0). Rewritten to the same shape: a terminal chat that keeps every turn.
from openai import OpenAI

client = OpenAI(base_url="http://localhost:1234/v1")

history = [{"role": "system", "content": "You are a helpful assistant."}]

while True:
    user_input = input("> ")
    if user_input == "exit":
        break
    history.append({"role": "user", "content": user_input})
    completion = client.chat.completions.create(  # expect: EFF004
        model="lmstudio-community/Meta-Llama-3-8B-Instruct-GGUF",
        messages=history,
        temperature=0.7,
        max_tokens=1024,
    )
    history.append({"role": "assistant", "content": completion.choices[0].message.content})
