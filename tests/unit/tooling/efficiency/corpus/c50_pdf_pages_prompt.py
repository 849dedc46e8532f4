# Source: Shubhamsaboo/awesome-llm-apps,
# advanced_ai_agents/multi_agent_apps/agent_teams/ai_recruitment_agent_team/ai_recruitment_agent_team.py
# (Apache-2.0). Rewritten to the same shape: every page of the resume PDF in one prompt.
import pypdf
from openai import OpenAI

client = OpenAI()


def extract_text_from_pdf(pdf_file) -> str:
    pdf_reader = pypdf.PdfReader(pdf_file)
    text = ""
    for page in pdf_reader.pages:
        text += page.extract_text()
    return text


def analyze_resume(pdf_file, requirements: str) -> str:
    resume_text = extract_text_from_pdf(pdf_file)
    response = client.chat.completions.create(  # expect: EFF005
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"Requirements:\n{requirements}"},
            {"role": "user", "content": f"Resume Text:\n{resume_text}"},
        ],
        max_tokens=800,
    )
    return response.choices[0].message.content
