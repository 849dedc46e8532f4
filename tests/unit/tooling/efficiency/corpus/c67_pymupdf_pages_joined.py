# Source: patchy631/ai-engineering-hub, groundX-doc-pipeline/evaluation_geval.py (MIT).
# Every page of a PDF opened with PyMuPDF gathered into one prompt.
from openai import OpenAI


class Evaluator:
    def __init__(self) -> None:
        self.oa = OpenAI()

    def _gpt_text(self, q: str, raw: bytes) -> str:
        import fitz

        doc = fitz.open(stream=raw, filetype="pdf")
        text = ""
        for page in doc:
            text += page.get_text()
        doc.close()
        resp = self.oa.chat.completions.create(  # expect: EFF005
            model="gpt-4o",
            messages=[
                {"role": "system", "content": "Analyze the following invoice text."},
                {"role": "user", "content": f"Invoice text:\n{text}\n\nQuestion: {q}"},
            ],
            max_tokens=300,
            temperature=0.3,
        )
        return resp.choices[0].message.content
