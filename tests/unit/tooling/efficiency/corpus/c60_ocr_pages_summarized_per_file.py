# Source: mistralai/cookbook,
# mistral/agents/non_framework/industrial_knowledge_agent/IndustrialKnowledgeAgent.ipynb (MIT).
# Rewritten to the same shape: every OCR'd page of a PDF joined and summarised whole, one
# PDF after another.
from mistralai import Mistral

model = "mistral-large-latest"


class DataProcessor:
    def __init__(self, api_key: str) -> None:
        self.mistral_client = Mistral(api_key=api_key)

    def parse_pdf(self, signed_url: str) -> str:
        ocr_response = self.mistral_client.ocr.process(
            model="mistral-ocr-latest",
            document={"type": "document_url", "document_url": signed_url},
        )
        text = "\n".join([x.markdown for x in (ocr_response.pages)])
        return text

    def summarize(self, text: str) -> str:
        chat_response = self.mistral_client.chat.complete(
            model=model,
            messages=[{"role": "user", "content": f"Summarize:\n{text}"}],
            max_tokens=1024,
        )
        return chat_response.choices[0].message.content

    def process_single_pdf(self, file_info: dict) -> dict:
        pdf_text = self.parse_pdf(file_info["url"])
        summary = self.summarize(pdf_text)  # expect: EFF005
        return {"category": file_info["category"], "summary": summary}

    def process_all(self, files: list[dict]) -> list[dict]:
        results = []
        for file_info in files:
            results.append(self.process_single_pdf(file_info))  # expect: EFF001
        return results
