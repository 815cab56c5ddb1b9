"""Any networkx.DiGraph carrying rojas attributes is a network.

Here a small graph with a skip connection x → y, built with plain NetworkX,
is labeled, and the labels come back as a NetworkX graph, so all of NetworkX
applies to a labeled network (here: the edge with the largest gradient).

Run:  python examples/from_networkx.py
"""

import networkx as nx

import rojas

G = nx.DiGraph(name="skip")
G.add_node("x", fn="input")
G.add_node("h", fn="tanh", bias=0.2)
G.add_node("y", fn="sigmoid")
G.add_edge("x", "h", weight=0.7, name="a")
G.add_edge("h", "y", weight=-1.1, name="b")
G.add_edge("x", "y", weight=0.4, name="skip")

lab = rojas.label(G, {"x": 0.9}, {"y": 1.0})
L = lab.to_networkx()
for u, v, data in L.edges(data=True):
    print(f"{data['name']:>4}: {u}->{v}  w = {data['weight']:+.3f}  dE/dw = {data['grad']:+.6f}")
u, v = max(L.edges, key=lambda e: abs(L.edges[e]["grad"]))
print(f"steepest weight: {L.edges[u, v]['name']} ({u}->{v})")
print("delta at every node:", nx.get_node_attributes(L, "delta"))
