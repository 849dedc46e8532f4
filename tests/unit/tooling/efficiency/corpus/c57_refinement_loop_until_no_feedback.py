# Source: mistralai/cookbook,
# mistral/agents/non_framework/transcript_linearticket_agent/TranscriptToLinearTicketAgent.ipynb
# (MIT). Rewritten to the same shape: each turn asks for feedback on the current draft and
# stops when there is none; the refinement needs the feedback of its own turn (no EFF001).
from mistralai import Mistral


class PRDAgent:
    def __init__(self, api_key: str, transcript: str) -> None:
        self.client = Mistral(api_key=api_key)
        self.model = "mistral-large-latest"
        self.transcript = transcript
        self.prd = ""
        self.feedback = ""

    def get_feedback(self) -> str:
        response = self.client.chat.complete(  # expect: EFF006
            model=self.model,
            messages=[{"role": "user", "content": f"Review this PRD:\n{self.prd}"}],
        )
        self.feedback = response.choices[0].message.content
        return self.feedback

    def refine_prd(self) -> str:
        prompt = f"Current PRD:\n{self.prd}\nFeedback:\n{self.feedback}"
        response = self.client.chat.complete(  # expect: EFF006
            model=self.model,
            messages=[{"role": "user", "content": prompt}],
            temperature=0.1,
        )
        self.prd = response.choices[0].message.content
        return self.prd

    def run(self, max_iterations: int = 3) -> str:
        for iteration in range(max_iterations):
            print(f"Iteration {iteration}: requesting feedback...")
            feedback = self.get_feedback()
            if "none" in feedback.strip().lower():
                break
            self.refine_prd()
        return self.prd
