# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_llm_apps/cursor_ai_experiments/llm_router_app/llm_router.py (Apache-2.0).
# Excerpt, shortened: RouteLLM picks the strong or the weak model per request.
import streamlit as st
from routellm.controller import Controller

client = Controller(
    routers=["mf"],
    strong_model="gpt-4o-mini",
    weak_model="together_ai/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo",
)

if prompt := st.chat_input("What is your message?"):
    st.session_state.messages.append({"role": "user", "content": prompt})
    response = client.chat.completions.create(  # expect: EFF006
        model="router-mf-0.11593",
        messages=[{"role": "user", "content": prompt}],
    )
    st.markdown(response["choices"][0]["message"]["content"])
    st.caption(f"Model used: {response['model']}")
