"""Minimal pytrees (nested tuples / lists / dicts / namedtuples of leaves), as torch's.

The function transforms take and return nested Python containers of tensors. A *tree* is
flattened into its leaves (in order) and a :class:`TreeSpec` that can rebuild it. Tuples,
lists, dicts (insertion order), ``OrderedDict``, ``defaultdict`` and namedtuples are
containers; everything else (tensors, numbers, ``None``) is a leaf.
"""
from collections import OrderedDict, defaultdict

__all__ = ["TreeSpec", "tree_flatten", "tree_unflatten", "tree_map", "tree_leaves",
           "broadcast_prefix"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _children(x):
    """(node type, context, children) for a container; None for a leaf."""
    if _is_namedtuple(x):
        return type(x), None, list(x)
    if type(x) is tuple:
        return tuple, None, list(x)
    if type(x) is list:
        return list, None, list(x)
    if type(x) is OrderedDict:
        return OrderedDict, list(x.keys()), list(x.values())
    if type(x) is defaultdict:
        return defaultdict, (x.default_factory, list(x.keys())), list(x.values())
    if type(x) is dict:
        return dict, list(x.keys()), list(x.values())
    return None


class TreeSpec:
    """The structure of a flattened tree: the container type, its context (dict keys) and
    the specs of its children. A leaf's spec has ``type is None``.

    Args:
        type (type or None): the container type (None for a leaf).
        context: dict keys (None for sequences).
        children (list of TreeSpec): the children's specs.

    Example::

        >>> leaves, spec = tree_flatten((1, {'a': 2}))
        >>> leaves, spec.num_leaves
        ([1, 2], 2)
    """
    __slots__ = ("type", "context", "children", "num_leaves")

    def __init__(self, type=None, context=None, children=()):
        self.type = type
        self.context = context
        self.children = list(children)
        self.num_leaves = 1 if type is None else sum(c.num_leaves for c in self.children)

    def is_leaf(self):
        return self.type is None

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.type is other.type
                and self.context == other.context and self.children == other.children)

    def __hash__(self):
        return id(self)

    def __repr__(self):
        if self.type is None:
            return "*"
        kids = ", ".join(repr(c) for c in self.children)
        ctx = self.context[1] if self.type is defaultdict else self.context
        return f"TreeSpec({self.type.__name__}, {ctx}, [{kids}])"


_LEAF = TreeSpec()


def tree_flatten(tree):
    """The leaves of ``tree`` (depth first) and the :class:`TreeSpec` to rebuild it.

    Args:
        tree: a nest of tuples / lists / dicts / namedtuples.

    Example::

        >>> tree_flatten([1, (2, 3)])[0]
        [1, 2, 3]
    """
    leaves = []

    def go(x):
        c = _children(x)
        if c is None:
            leaves.append(x)
            return _LEAF
        typ, ctx, kids = c
        return TreeSpec(typ, ctx, [go(k) for k in kids])

    return leaves, go(tree)


def tree_unflatten(leaves, spec):
    """Rebuild the tree described by ``spec`` from ``leaves``.

    Args:
        leaves (sequence): ``spec.num_leaves`` values.
        spec (TreeSpec): from :func:`tree_flatten`.

    Example::

        >>> leaves, spec = tree_flatten({'a': 1, 'b': (2, 3)})
        >>> tree_unflatten([x * 10 for x in leaves], spec)
        {'a': 10, 'b': (20, 30)}
    """
    it = iter(leaves)

    def go(s):
        if s.type is None:
            return next(it)
        kids = [go(c) for c in s.children]
        if s.type is tuple or s.type is list:
            return s.type(kids)
        if s.type is dict or s.type is OrderedDict:
            return s.type(zip(s.context, kids))
        if s.type is defaultdict:
            return defaultdict(s.context[0], zip(s.context[1], kids))
        return s.type(*kids)  # namedtuple

    return go(spec)


def tree_leaves(tree):
    """The leaves of ``tree``.

    Args:
        tree: a nest of containers.

    Example::

        >>> tree_leaves({'a': [1, 2], 'b': 3})
        [1, 2, 3]
    """
    return tree_flatten(tree)[0]


def tree_map(fn, tree):
    """``tree`` with every leaf replaced by ``fn(leaf)``.

    Args:
        fn (callable): applied to each leaf.
        tree: a nest of containers.

    Example::

        >>> tree_map(lambda v: v + 1, (1, [2]))
        (2, [3])
    """
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix, spec):
    """Flatten ``prefix`` against ``spec`` (torch's ``_broadcast_to_and_flatten``).

    ``prefix`` is a tree whose leaves stand for whole subtrees of ``spec`` (e.g. ``in_dims``
    against the arguments): each leaf is repeated for every leaf below it. Returns None when
    ``prefix`` is not a prefix of ``spec``.

    Args:
        prefix: a tree that is a prefix of the structure ``spec`` describes.
        spec (TreeSpec): the full structure.

    Example::

        >>> broadcast_prefix((0, None), tree_flatten(([1, 2], 3))[1])
        [0, 0, None]
    """
    c = _children(prefix)
    if c is None:
        return [prefix] * spec.num_leaves
    if spec.type is None:
        return None
    typ, ctx, kids = c
    if typ is not spec.type or ctx != spec.context or len(kids) != len(spec.children):
        return None
    out = []
    for k, s in zip(kids, spec.children):
        r = broadcast_prefix(k, s)
        if r is None:
            return None
        out.extend(r)
    return out
