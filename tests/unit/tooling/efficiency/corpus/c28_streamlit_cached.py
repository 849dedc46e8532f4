# Source: Shubhamsaboo/awesome-llm-apps, starter_ai_agents/ai_travel_agent/travel_agent.py
# (Apache-2.0). Rewritten to the same shape: Streamlit reruns the script on every
# interaction; the cached helper answers repeats from the cache.
import streamlit as st
from openai import OpenAI

client = OpenAI()


@st.cache_data(show_spinner=False)
def destination_overview(destination: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Give a short overview of {destination}."}],
        max_tokens=300,
    )
    return response.choices[0].message.content


destination = st.text_input("Where do you want to go?")
if destination:
    st.write(destination_overview(destination))
    st.sidebar.write(destination_overview(destination))
