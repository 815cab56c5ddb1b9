"""The proof: a derivative as the sum over paths, three ways, and claims checked against it.

- :mod:`~rojas.proof.paths`, :mod:`~rojas.proof.path_walk`, :mod:`~rojas.proof.path_listing` --
  sources, exact path counts, the path sum beside the backward sweep, and its listing;
- :mod:`~rojas.proof.forward_mode` -- the tangent sweep: the same sum factored by where paths start;
- :mod:`~rojas.proof.symbolic`, :mod:`~rojas.proof.symbolic_translate`,
  :mod:`~rojas.proof.symbolic_limits`, :mod:`~rojas.proof.symbolic_worker` -- the SymPy identity, primitives as
  SymPy templates, its limits, the process it runs in within its budget;
- :mod:`~rojas.proof.claim_grammar`, :mod:`~rojas.proof.claim_paths`, :mod:`~rojas.proof.claims` --
  a user's chain rule: its grammar, what its names stand for, the verdict;
- :mod:`~rojas.proof.argument` and :mod:`~rojas.proof.document` -- Rojas's argument for one
  derivative (:func:`prove`) and its Markdown and LaTeX;
- :mod:`~rojas.proof.display` -- ids as the claim syntax writes them.

May import: :mod:`rojas.engine`, :mod:`rojas.network`, :mod:`rojas.utils`, :mod:`rojas.errors`.
"""
