environment="prod"
book_purchase_queue_name="Book Purchase Queue (prod - non TF resource)"
