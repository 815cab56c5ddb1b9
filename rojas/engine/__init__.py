"""The engine: Rojas's two sweeps, as the book writes them and as they run fast.

- :mod:`~rojas.engine.textbook` -- the sweeps node by node over NetworkX: the specification, and the
  oracle the fast sweeps are tested against (start reading here);
- :mod:`~rojas.engine.plan` -- the compiled plan: nodes in sweep order, each sweep's edges in named parts;
- :mod:`~rojas.engine.sweeps` -- the fast sweeps, a generation at a time;
- :mod:`~rojas.engine.objective` -- inputs and targets in sweep order, the objective and its seed;
- :mod:`~rojas.engine.labeling` -- :func:`label`, :func:`evaluate` and the immutable :class:`Labeling`;
- :mod:`~rojas.engine.snapshot` -- what a labeling keeps of its network;
- :mod:`~rojas.engine.labeling_io` and :mod:`~rojas.engine.report` -- a labeling's JSON (streamed),
  NetworkX export and terminal table.

May import: :mod:`rojas.network`, :mod:`rojas.utils`, :mod:`rojas.errors`.
"""
