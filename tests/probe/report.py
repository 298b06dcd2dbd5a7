"""The probe's count: every check made and every one that failed, summed over the run."""

from dataclasses import dataclass, field


@dataclass
class Tally:
    checks: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> bool:
        self.checks += 1
        if not ok:
            self.failures.append(what)
        return ok

    def summary(self) -> str:
        return f"probe: {self.checks} checks, {len(self.failures)} failures"


TALLY = Tally()
