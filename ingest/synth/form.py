"""What every form's synthetic content holds: the truth document as printed, the checks it
breaks on purpose and the values printed wrong on purpose, and whose seal it carries."""

from pydantic import BaseModel, ConfigDict

from models.contract import FormDocument


class Frozen(BaseModel):
    """The shapes a form's content is drawn in: fixed once drawn, no key unknown."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SynthContent(Frozen):
    """One document's content. `violations` names the form's checks broken on purpose,
    `errors` maps a path to the value printed wrong on purpose."""

    document: FormDocument
    violations: tuple[str, ...] = ()
    errors: dict[str, str] = {}

    @property
    def seal_owner(self) -> str | None:
        """The body whose seal is stamped on the first page."""
        return None

    @property
    def seal_cell(self) -> str | None:
        """The printed text of the cell the seal is stamped near."""
        return None
