"""Copy the wizard's snapshot SVGs to screenshots/ under readable names, for the README.

    .venv/bin/python -m tests.tui.screenshots

Run it after `pytest tests/tui/test_snapshots.py --snapshot-update`; test_snapshots checks that the
copies match the snapshots (and hold no secret).
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots"
SCREENSHOTS = ROOT / "screenshots"

# snapshot name -> screenshots/<name>
EXPORTED = {
    "TestSteps.test_provider.svg": "wizard-1-provider.svg",
    "TestSteps.test_account_sandbox.svg": "wizard-2-account-sandbox.svg",
    "TestSteps.test_mode.svg": "wizard-3-mode.svg",
    "TestSteps.test_details_filled.svg": "wizard-4-details.svg",
    "TestSteps.test_details_toggles_on.svg": "wizard-4-details-toggles.svg",
    "TestSteps.test_details_largest_form.svg": "wizard-4-details-largest-form.svg",
    "TestSteps.test_details_field_errors.svg": "wizard-4-details-field-errors.svg",
    "TestPanels.test_row_editor.svg": "wizard-4-row-editor.svg",
    "TestPanels.test_row_list.svg": "wizard-4-row-list.svg",
    "TestPanels.test_field_help.svg": "wizard-4-field-help.svg",
    "TestSteps.test_review.svg": "wizard-5-review.svg",
    "TestErrors.test_sending.svg": "wizard-6-sending.svg",
    "TestErrors.test_network_error.svg": "wizard-6-network-error.svg",
    "TestErrors.test_provider_error_at_the_field.svg": "wizard-6-provider-error-at-the-field.svg",
    "TestSteps.test_result.svg": "wizard-7-result.svg",
    "TestPanels.test_quit_confirmation.svg": "wizard-quit-confirmation.svg",
    "TestOtherSizes.test_details[size0].svg": "wizard-60x20.svg",
    "TestOtherSizes.test_details[size1].svg": "wizard-160x50.svg",
    "TestTerminals.test_sixteen_colours.svg": "wizard-16-colours.svg",
    "TestTerminals.test_no_color.svg": "wizard-no-color.svg",
    "TestTerminals.test_without_colour[16-colours-row-list].svg": "wizard-4-row-list-16-colours.svg",
    "TestTerminals.test_without_colour[no-color-row-list].svg": "wizard-4-row-list-no-color.svg",
    "TestTerminals.test_without_colour[both-row-list].svg": "wizard-4-row-list-16-colours-no-color.svg",
    "TestTerminals.test_without_colour[16-colours-review].svg": "wizard-5-review-16-colours.svg",
    "TestTerminals.test_without_colour[no-color-review].svg": "wizard-5-review-no-color.svg",
    "TestTerminals.test_without_colour[both-review].svg": "wizard-5-review-16-colours-no-color.svg",
}


def export() -> list[Path]:
    SCREENSHOTS.mkdir(exist_ok=True)
    written = []
    for snapshot, name in EXPORTED.items():
        target = SCREENSHOTS / name
        shutil.copyfile(SNAPSHOTS / snapshot, target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in export():
        print(path.relative_to(ROOT))
