# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_llm_apps/llm_apps_with_memory_tutorials/llm_app_personalized_memory/llm_app_memory.py
# (Apache-2.0). Excerpt, shortened: every memory the search returns goes into the prompt.
import streamlit as st
from mem0 import Memory
from openai import OpenAI

client = OpenAI()
memory = Memory()

user_id = st.text_input("Enter your Username")
prompt = st.text_input("Ask ChatGPT")

if st.button("Chat with LLM"):
    relevant_memories = memory.search(query=prompt, user_id=user_id)
    context = "Relevant past information:\n"
    for mem in relevant_memories:
        context += f"- {mem['text']}\n"
    full_prompt = f"{context}\nHuman: {prompt}\nAI:"
    response = client.chat.completions.create(  # expect: EFF004, EFF006
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": full_prompt},
        ],
    )
    answer = response.choices[0].message.content
    memory.add(answer, user_id=user_id)
