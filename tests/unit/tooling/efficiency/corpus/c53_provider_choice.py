# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_llm_apps/llm_apps_with_memory_tutorials/multi_llm_memory/multi_llm_memory.py
# (Apache-2.0). Excerpt, shortened: the user picks the provider; every memory found is sent.
import streamlit as st
from litellm import completion
from mem0 import Memory
from openai import OpenAI

client = OpenAI()
memory = Memory()

llm_choice = st.sidebar.radio("Choose your LLM", ("OpenAI GPT-4o", "Claude Sonnet 3.5"))
user_id = st.sidebar.text_input("Enter your Username")
prompt = st.text_input("Ask the LLM")

if st.button("Chat with LLM"):
    relevant_memories = memory.search(query=prompt, user_id=user_id)
    context = "Relevant past information:\n"
    for mem in relevant_memories["results"]:
        context += f"- {mem['memory']}\n"
    full_prompt = f"{context}\nHuman: {prompt}\nAI:"
    if llm_choice == "OpenAI GPT-4o":
        response = client.chat.completions.create(  # expect: EFF004, EFF006
            model="gpt-4o",
            messages=[{"role": "user", "content": full_prompt}],
        )
    elif llm_choice == "Claude Sonnet 3.5":
        messages = [{"role": "user", "content": full_prompt}]
        response = completion(model="claude-3-5-sonnet-20240620", messages=messages)  # expect: EFF004, EFF006
    st.write("Answer: ", response.choices[0].message.content)
    memory.add(prompt, user_id=user_id)
