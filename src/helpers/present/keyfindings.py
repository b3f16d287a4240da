"""Key findings for the front page: a few sentences written from the numbers, each with a
cross-reference to its section, none claiming more than its interval allows.

* the steepest social gradients, relative to Oslo's level, among indicators whose gradient is
  clear by the chapter's own rule (``GradientFit.clear``: the SII interval that includes the
  variation between bydeler excludes zero; otherwise no gradient sentence), printed with that
  interval;
* gaps that have widened or narrowed, only where the trend model's interval excludes zero
  (``TrendResult.narrowing`` is None otherwise, and then nothing is said);
* bydeler that differ from Oslo on most indicators (the barometer's rule: Oslo's value outside
  the bydel's 95 % interval).

The overview notebook writes them, with links to the bydel profiles, to ``_forside.md`` beside
its figures; ``index.qmd`` includes that file (Quarto's ``include`` shortcode).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import config
from helpers.present import barometer as bm
from helpers.present import text
from helpers.stats.gradient import IndicatorResult

FRONT_PAGE_FILE = "_forside.md"
MAX_FINDINGS = 6


@dataclass(frozen=True)
class Finding:
    sentence: str
    ref: str  # a section id, e.g. "sec-uforetrygd"

    def markdown(self) -> str:
        return f"{self.sentence} (se @{self.ref})."


def _section(result: IndicatorResult) -> str:
    from helpers.present.report import slug

    return f"sec-{slug(result.indicator.id)}"


def _sii_unit(result: IndicatorResult) -> str:
    return "prosentpoeng" if result.indicator.unit == "percent" else result.indicator.unit_nb


def gradient_findings(results: list[IndicatorResult], n: int = 2) -> list[Finding]:
    """The ``n`` steepest gradients relative to Oslo's value, among the clear ones: the SII
    interval that includes the variation between bydeler excludes 0 (``GradientFit.clear``,
    the rule of the chapter's gradient sentence; phe_sii's narrower interval, which covers only
    the uncertainty within each bydel, would let the front page claim a gradient that the
    chapter says is not clear)."""
    certain = []
    for res in results:
        f = res.fit
        if f is None or res.circular or not f.clear:
            continue
        oslo = res.oslo["value"] if res.oslo is not None else float("nan")
        if pd.isna(oslo) or oslo == 0:
            continue
        certain.append((abs(f.sii) / abs(oslo), res))
    certain.sort(key=lambda item: -item[0])
    out = []
    for _, res in certain[:n]:
        f, ind = res.fit, res.indicator
        where = "høyere" if f.sii > 0 else "lavere"
        out.append(
            Finding(
                f"{ind.name_nb} ({res.period}) har en av de bratteste sosiale gradientene: "
                f"verdien er {text.number(abs(f.sii))} {_sii_unit(res)} {where} i den mest "
                "ressurssvake enden av rangeringen enn i den mest ressurssterke "
                f"(SII {text.estimate(f.sii, f.sii_lower, f.sii_upper)}, 95 % KI som tar med "
                f"variasjonen mellom bydelene), mot {text.number(res.oslo['value'])} "
                f"{ind.unit_nb} i Oslo",
                _section(res),
            )
        )
    return out


def trend_findings(results: list[IndicatorResult], n: int = 2) -> list[Finding]:
    """Gaps that changed over time, only where the model's interval excludes zero."""
    out = []
    for res in results:
        g = res.gap_trend
        if g is None or g.narrowing is None:
            continue
        years = f"{g.years[0]}–{g.years[-1]}"
        out.append(
            Finding(
                f"{res.indicator.name_nb}: {text.trend_word(g.narrowing)} mellom den "
                f"ressurssvake og den ressurssterke enden i {years} (intervallet for endringen "
                "per år omfatter ikke null)",
                _section(res),
            )
        )
    return out[:n]


def barometer_findings(grid: pd.DataFrame, share: float = 0.75) -> list[Finding]:
    """Bydeler worse (or better) than Oslo on at least ``share`` of their assessed indicators."""
    if grid.empty:
        return []
    counts = bm.counts(grid)
    assessed = counts[[bm.BETTER, bm.SIMILAR, bm.WORSE, bm.HIGHER, bm.LOWER]].sum(axis=1)
    out = []
    for klass, word in ((bm.WORSE, "dårligere"), (bm.BETTER, "bedre")):
        hit = counts.index[(assessed > 0) & (counts[klass] >= share * assessed)].tolist()
        if not hit:
            continue
        n_max = int(assessed.max())
        all_of = all(counts.loc[b, klass] == assessed[b] == n_max for b in hit)
        how = (
            f"på alle {n_max} indikatorene"
            if all_of
            else f"på minst {round(share * 100)} % av indikatorene som kan sammenlignes"
        )
        out.append(
            Finding(
                f"{text.join_names(hit)} er {word} enn Oslo {how}: "
                "Oslos verdi ligger utenfor bydelens 95 % konfidensintervall",
                "sec-barometer",
            )
        )
    return out


def findings(results: list[IndicatorResult], grid: pd.DataFrame) -> list[Finding]:
    """At most ``MAX_FINDINGS``: gradients, changes over time, bydeler that stand out."""
    found = gradient_findings(results) + trend_findings(results) + barometer_findings(grid)
    return found[:MAX_FINDINGS]


def front_page_markdown(found: list[Finding]) -> str:
    """The generated part of the home page: key findings and links to the bydel profiles."""
    from helpers.present import profile

    lines = ["## Hovedfunn {#sec-hovedfunn .unnumbered}", ""]
    if found:
        lines += [f"- {f.markdown()}" for f in found]
    else:
        lines.append("Tallene gir ingen funn som er sikre nok til å løftes fram her.")
    lines += [
        "",
        "Alle funn bygger på 95 % konfidensintervaller; der intervallet ikke gir et sikkert "
        "svar, sier vi ikke noe om retningen.",
        "",
        "## Bydelsprofiler {#sec-bydelsprofiler .unnumbered}",
        "",
        "Hver bydel har en egen profil bak i rapporten, og den kan også lastes ned som egen "
        "PDF for utskrift:",
        "",
        ", ".join(
            f"[{name}]({profile.PDF_FOLDER}/{profile.pdf_name(code)})"
            for code, name in config.BYDELER.items()
        )
        + ".",
        "",
    ]
    return "\n".join(lines)


def write_front_page(
    results: list[IndicatorResult], grid: pd.DataFrame, folder: Path | str
) -> Path:
    """Write ``_forside.md`` into ``folder`` (the overview's figures folder)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FRONT_PAGE_FILE
    path.write_text(front_page_markdown(findings(results, grid)), encoding="utf-8")
    return path
