environment="dev"
book_purchase_queue_name="Book Purchase Queue (dev - non TF resource)"
