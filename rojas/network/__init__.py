"""The network: a feed-forward graph of units, checked, with its numbers in arrays.

One idea per module:

- :mod:`~rojas.network.model` -- :class:`Network`: the columns, the numbers
  (the one source of truth) and reading them;
- :mod:`~rojas.network.building` -- adding units, edges, params, outputs;
- :mod:`~rojas.network.checks` -- the item rules (ids, names, numbers, graph fields);
- :mod:`~rojas.network.rows` and :mod:`~rojas.network.rules` -- a node's and an edge's rules as
  one table, applied to whole columns (loading) or to one row (building);
- :mod:`~rojas.network.columns` -- node-link lists to checked columns, and the whole-network rules;
- :mod:`~rojas.network.topology` -- generations and cycles with NumPy;
- :mod:`~rojas.network.graphview` -- the read-only NetworkX view, built on first use;
- :mod:`~rojas.network.nodelink` -- the node-link file format and NetworkX round trip;
- :mod:`rojas.utils.reading` (shared with data files) -- reading JSON within limits (size, kind, depth).
"""

from ..utils.files import write_json_atomic, write_text_atomic
from .checks import (EDGE_FIELDS, GRAPH_FIELDS, MAX_NESTING, NODE_FIELDS, PASSTHROUGH,
                     PASSTHROUGH_PREFIX, RESERVED_NAMES, check_text, edge_label, finite_number,
                     warn_unknown_fields)
from .model import Network
from .nodelink import as_network, from_dict, from_networkx, load, node_link_dict
from ..utils.reading import DEFAULT_MAX_FILE_MB, MAX_FILE_ENV, max_file_bytes, read_json

__all__ = ["Network", "as_network", "load", "from_networkx", "from_dict", "node_link_dict", "read_json",
           "write_json_atomic", "write_text_atomic", "finite_number", "edge_label", "check_text", "warn_unknown_fields",
           "max_file_bytes", "DEFAULT_MAX_FILE_MB", "MAX_FILE_ENV", "GRAPH_FIELDS", "NODE_FIELDS",
           "EDGE_FIELDS", "PASSTHROUGH", "PASSTHROUGH_PREFIX", "RESERVED_NAMES", "MAX_NESTING"]
