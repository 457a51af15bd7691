"""Everything a stakeholder sees: translated labels, escaped tables, inline charts, the HTML.

Submodules are imported where they are used (`redcat.report.html`, `.tables`, `.figures`,
`.i18n`, `.overview_sections`), so importing the package stays cheap.
"""
