"""In-process notices about orders, so integrations (outbound EDI) follow without portal code
knowing them. They fire inside the service's transaction: a rollback takes their work with it.
(The transactional outbox of the webhooks issue will carry the same notices to the worker.)"""

from blinker import Namespace

_signals = Namespace()

#: sender: the ServiceContext; kwargs: order
order_acknowledged = _signals.signal("order-acknowledged")
order_shipped = _signals.signal("order-shipped")
order_invoiced = _signals.signal("order-invoiced")
