# Source: Shubhamsaboo/awesome-llm-apps, advanced_llm_apps/resume_job_matcher/app.py
# (Apache-2.0). Rewritten to the same shape: an uploaded text file sent whole.
import streamlit as st
from openai import OpenAI

client = OpenAI()

uploaded = st.file_uploader("Upload your resume", type=["txt"])
job = st.text_area("Job description")
if uploaded and job:
    file_text = uploaded.read().decode("utf-8")
    response = client.chat.completions.create(  # expect: EFF005
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": "Rate how well the resume matches the job."},
            {"role": "user", "content": f"Resume:\n{file_text}\n\nJob:\n{job}"},
        ],
        max_tokens=600,
    )
    st.write(response.choices[0].message.content)
