"""Do Red Cat's external links cannibalize in-app GMV? The project's estimators applied to its data.

The generic estimators live in `redcat.causal`; this package decides what they are given:
which notes and merchants are compared (`frames`), which controls are admissible (`controls`),
and how each design is run (`note_level`, `merchant_level`, `threshold`), split
(`heterogeneity`), challenged (`robustness`) and gathered for the report (`summary`).
Submodules are imported where they are used, so importing the package stays cheap.
"""
