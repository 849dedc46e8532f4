# Source: Shubhamsaboo/awesome-llm-apps, starter_ai_agents/mixture_of_agents/mixture-of-agents.py
# (Apache-2.0). Excerpt, shortened: reference models asked concurrently, then one aggregator.
import asyncio
import os

import streamlit as st
from together import AsyncTogether, Together

together_api_key = st.text_input("Enter your Together API Key:", type="password")
if together_api_key:
    os.environ["TOGETHER_API_KEY"] = together_api_key
    client = Together(api_key=together_api_key)
    async_client = AsyncTogether(api_key=together_api_key)
    reference_models = [
        "Qwen/Qwen2-72B-Instruct",
        "Qwen/Qwen1.5-72B-Chat",
        "mistralai/Mixtral-8x22B-Instruct-v0.1",
        "databricks/dbrx-instruct",
    ]
    aggregator_model = "mistralai/Mixtral-8x22B-Instruct-v0.1"
    aggregator_system_prompt = "Synthesize these responses into a single, high-quality response."
    user_prompt = st.text_input("Enter your question:")

    async def run_llm(model):
        response = await async_client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": user_prompt}],
            temperature=0.7,
            max_tokens=512,
        )
        return model, response.choices[0].message.content

    async def main():
        results = await asyncio.gather(*[run_llm(model) for model in reference_models])
        final_stream = client.chat.completions.create(  # expect: EFF006
            model=aggregator_model,
            messages=[
                {"role": "system", "content": aggregator_system_prompt},
                {"role": "user", "content": ",".join(response for _, response in results)},
            ],
            stream=True,
        )
        for chunk in final_stream:
            st.write(chunk.choices[0].delta.content or "")

    if st.button("Get Answer") and user_prompt:
        asyncio.run(main())
