# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_llm_apps/llm_apps_with_memory_tutorials/local_chatgpt_with_memory/local_chatgpt_memory.py
# (Apache-2.0). Excerpt, shortened: all of the user's memories are sent on every message.
import streamlit as st
from litellm import completion
from mem0 import Memory

m = Memory()


def respond(prompt: str, user_id: str) -> str:
    m.add(prompt, user_id=user_id)
    memories = m.get_all(user_id=user_id)
    context = ""
    if memories and "results" in memories:
        for memory in memories["results"]:
            if "memory" in memory:
                context += f"- {memory['memory']}\n"
    response = completion(  # expect: EFF004, EFF006
        model="ollama/llama3.1:latest",
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": f"Context: {context}\nCurrent message: {prompt}"},
        ],
        api_base="http://localhost:11434",
    )
    return response.choices[0].message.content


if prompt := st.chat_input("What is your message?"):
    st.markdown(respond(prompt, st.session_state.get("user", "me")))
