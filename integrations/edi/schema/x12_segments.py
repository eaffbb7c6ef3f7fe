"""X12 segment dictionary for the supported sets (004010 / 005010).

Written from public implementation-guide knowledge (element reference numbers, usage,
types and lengths); code lists are given only where the mapping relies on the codes.
"""

from .core import parse_segments

SEGMENTS = parse_segments("""
ST Transaction Set Header
  143 M ID 3/3 transaction set identifier code
  329 M AN 4/9 transaction set control number
  1705 O AN 1/35 implementation convention reference
SE Transaction Set Trailer
  96 M N0 1/10 number of included segments
  329 M AN 4/9 transaction set control number
BEG Beginning Segment for Purchase Order
  353 M ID 2/2 transaction set purpose code
  92 M ID 2/2 purchase order type code
  324 M AN 1/22 purchase order number
  328 O AN 1/30 release number
  373 M DT 8/8 purchase order date
  367 O AN 1/30 contract number
  587 O ID 2/2 acknowledgment type
  1019 O ID 3/3 invoice type code
  1166 O ID 2/2 contract type code
  1232 O ID 2/2 purchase category
  786 O ID 2/2 security level code
  640 O ID 2/2 transaction type code
CUR Currency
  98 M ID 2/3 entity identifier code
  100 M ID 3/3 currency code
  280 O R 4/10 exchange rate
  98 O ID 2/3 entity identifier code
  100 O ID 3/3 currency code
  669 O ID 3/3 currency market/exchange code
  374 X ID 3/3 date/time qualifier
  373 O DT 8/8 date
  337 O TM 4/8 time
  374 X ID 3/3 date/time qualifier
  373 X DT 8/8 date
  337 X TM 4/8 time
  374 X ID 3/3 date/time qualifier
  373 X DT 8/8 date
  337 X TM 4/8 time
  374 X ID 3/3 date/time qualifier
  373 X DT 8/8 date
  337 X TM 4/8 time
  374 X ID 3/3 date/time qualifier
  373 X DT 8/8 date
  337 X TM 4/8 time
REF Reference Identification | R0203
  128 M ID 2/3 reference identification qualifier
  127 X AN 1/50 reference identification
  352 X AN 1/80 description
  C040 O C reference identifier
    128 M ID 2/3 reference identification qualifier
    127 M AN 1/50 reference identification
    128 X ID 2/3 reference identification qualifier
    127 X AN 1/50 reference identification
    128 X ID 2/3 reference identification qualifier
    127 X AN 1/50 reference identification
PER Administrative Communications Contact | P0304 P0506 P0708
  366 M ID 2/2 contact function code
  93 O AN 1/60 name
  365 X ID 2/2 communication number qualifier
  364 X AN 1/80 communication number
  365 X ID 2/2 communication number qualifier
  364 X AN 1/80 communication number
  365 X ID 2/2 communication number qualifier
  364 X AN 1/80 communication number
  443 O AN 1/20 contact inquiry reference
TAX Tax Reference
  325 X AN 1/20 tax identification number
  309 X ID 1/2 location qualifier
  310 X AN 1/30 location identifier
FOB F.O.B. Related Instructions
  146 M ID 2/2 shipment method of payment
  309 X ID 1/2 location qualifier
  352 O AN 1/80 description
  334 O ID 2/2 transportation terms qualifier code
  335 X ID 3/3 transportation terms code
  309 X ID 1/2 location qualifier
  352 O AN 1/80 description
  54 O ID 1/2 risk of loss code
  352 X AN 1/80 description
CSH Sales Requirements
  563 O ID 1/2 sales requirement code
  306 X ID 1/2 action code
  610 X N2 1/15 amount
  508 O AN 1/35 account number
  373 O DT 8/8 date
  560 X ID 1/2 special services code
  566 O ID 1/2 product/service substitution code
  954 X R 1/10 percent
  1004 O ID 1/2 percent qualifier
SAC Service, Promotion, Allowance, or Charge Information | R0203 P0304
  248 M ID 1/1 allowance or charge indicator = A C N
  1300 X ID 4/4 service, promotion, allowance, or charge code
  559 X ID 2/2 agency qualifier code
  1301 X AN 1/10 agency service, promotion, allowance, or charge code
  610 O N2 1/15 amount
  378 X ID 1/1 allowance/charge percent qualifier
  332 X R 1/6 percent
  118 O R 1/9 rate
  355 X ID 2/2 unit or basis for measurement code
  380 X R 1/15 quantity
  380 O R 1/15 quantity
  331 O ID 2/2 allowance or charge method of handling code
  127 X AN 1/30 reference identification
  770 O AN 1/20 option number
  352 X AN 1/80 description
  819 O ID 2/3 language code
ITD Terms of Sale/Deferred Terms of Sale
  336 O ID 2/2 terms type code
  333 O ID 1/2 terms basis date code
  338 O R 1/6 terms discount percent
  370 X DT 8/8 terms discount due date
  351 X N0 1/3 terms discount days due
  446 O DT 8/8 terms net due date
  386 O N0 1/3 terms net days
  362 O N2 1/10 terms discount amount
  388 O DT 8/8 terms deferred due date
  389 O N2 1/10 deferred amount due
  342 X R 1/5 percent of invoice payable
  352 O AN 1/80 description
  765 X N0 1/2 day of month
  107 X ID 1/2 payment method code
  954 X R 1/10 percent
DTM Date/Time Reference | R020305 C0403 P0506
  374 M ID 3/3 date/time qualifier
  373 X DT 8/8 date
  337 X TM 4/8 time
  623 O ID 2/2 time code
  1250 X ID 2/3 date time period format qualifier
  1251 X AN 1/35 date time period
PKG Marking, Packaging, Loading
  349 X ID 1/1 item description type
  753 O ID 2/2 packaging characteristic code
  559 O ID 2/2 agency qualifier code
  754 X AN 1/7 packaging description code
  352 X AN 1/80 description
  400 O ID 2/2 unit load option code
TD1 Carrier Details (Quantity and Weight)
  103 O AN 3/5 packaging code
  80 X N0 1/7 lading quantity
  23 O ID 1/1 commodity code qualifier
  22 X AN 1/30 commodity code
  79 O AN 1/50 lading description
  187 O ID 1/2 weight qualifier
  81 X R 1/10 weight
  355 X ID 2/2 unit or basis for measurement code
  183 X R 1/8 volume
  355 X ID 2/2 unit or basis for measurement code
TD5 Carrier Details (Routing Sequence/Transit Time) | C0203
  133 O ID 1/2 routing sequence code
  66 X ID 1/2 identification code qualifier
  67 X AN 2/80 identification code
  91 X ID 1/2 transportation method/type code
  387 X AN 1/35 routing
  368 X ID 2/2 shipment/order status code
  309 O ID 1/2 location qualifier
  310 X AN 1/30 location identifier
  731 O ID 2/2 transit direction code
  732 O ID 2/2 transit time direction qualifier
  733 X R 1/4 transit time
  284 X ID 1/2 service level code
  284 X ID 1/2 service level code
  284 O ID 1/2 service level code
  26 O ID 2/3 country code
TD3 Carrier Details (Equipment)
  40 X ID 2/2 equipment description code
  206 O AN 1/4 equipment initial
  207 X AN 1/10 equipment number
  187 O ID 1/2 weight qualifier
  81 X R 1/10 weight
  355 X ID 2/2 unit or basis for measurement code
  102 O ID 1/2 ownership code
  407 O ID 1/2 seal status code
  225 O AN 2/15 seal number
  24 X ID 4/4 equipment type
TD4 Carrier Details (Special Handling, or Hazardous Materials, or Both)
  152 X ID 2/3 special handling code
  208 X ID 1/1 hazardous material code qualifier
  209 X AN 1/10 hazardous material class code
  352 X AN 1/80 description
  1073 O ID 1/1 yes/no condition or response code
N9 Reference Identification | R0203
  128 M ID 2/3 reference identification qualifier
  127 X AN 1/50 reference identification
  369 X AN 1/45 free-form description
  373 O DT 8/8 date
  337 X TM 4/8 time
  623 O ID 2/2 time code
  C040 O C reference identifier
    128 M ID 2/3 reference identification qualifier
    127 M AN 1/50 reference identification
MSG Message Text
  933 M AN 1/264 free-form message text
  934 O ID 2/2 printer carriage control code
  1470 O N0 1/9 number
N1 Name | R0203 P0304
  98 M ID 2/3 entity identifier code
  93 X AN 1/60 name
  66 X ID 1/2 identification code qualifier
  67 X AN 2/80 identification code
  706 O ID 2/2 entity relationship code
  98 O ID 2/3 entity identifier code
N2 Additional Name Information
  93 M AN 1/60 name
  93 O AN 1/60 name
N3 Address Information
  166 M AN 1/55 address information
  166 O AN 1/55 address information
N4 Geographic Location
  19 O AN 2/30 city name
  156 X ID 2/2 state or province code
  116 O ID 3/15 postal code
  26 X ID 2/3 country code
  309 X ID 1/2 location qualifier
  310 O AN 1/30 location identifier
PO1 Baseline Item Data | C0302 C0504 P0607 P0809 P1011 P1213 P1415
  | P1617 P1819 P2021 P2223 P2425
  350 O AN 1/20 assigned identification
  330 X R 1/15 quantity ordered
  355 O ID 2/2 unit or basis for measurement code
  212 X R 1/17 unit price
  639 O ID 2/2 basis of unit price code
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
LIN Item Identification | P0405 P0607 P0809 P1011 P1213 P1415
  | P1617 P1819 P2021 P2223 P2425 P2627 P2829 P3031
  350 O AN 1/20 assigned identification
  235 M ID 2/2 product/service id qualifier
  234 M AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
PID Product/Item Description | C0403 R0405
  349 M ID 1/1 item description type = F S X
  750 O ID 2/3 product/process characteristic code
  559 X ID 2/2 agency qualifier code
  751 X AN 1/12 product description code
  352 X AN 1/80 description
  752 O ID 2/2 surface/layer/position code
  822 O AN 1/15 source subqualifier
  1073 O ID 1/1 yes/no condition or response code
  819 O ID 2/3 language code
PO4 Item Physical Details
  356 O N0 1/6 pack
  357 O R 1/8 size
  355 X ID 2/2 unit or basis for measurement code
  103 X AN 3/5 packaging code
  187 X ID 1/2 weight qualifier
  384 X R 1/9 gross weight per pack
  355 X ID 2/2 unit or basis for measurement code
  385 X R 1/9 gross volume per pack
  355 X ID 2/2 unit or basis for measurement code
  82 X R 1/8 length
  189 X R 1/8 width
  65 X R 1/8 height
  355 X ID 2/2 unit or basis for measurement code
  810 O N0 1/6 inner pack
  752 O ID 2/2 surface/layer/position code
  350 X AN 1/20 assigned identification
  350 O AN 1/20 assigned identification
  1470 O N0 1/9 number
CTT Transaction Totals | P0304 P0506
  354 M N0 1/6 number of line items
  347 O R 1/10 hash total
  81 X R 1/10 weight
  355 X ID 2/2 unit or basis for measurement code
  183 X R 1/8 volume
  355 X ID 2/2 unit or basis for measurement code
  352 O AN 1/80 description
AMT Monetary Amount
  522 M ID 1/3 amount qualifier code
  782 M R 1/18 monetary amount
  478 O ID 1/1 credit/debit flag code
TXI Tax Information
  963 M ID 2/2 tax type code
  782 X R 1/18 monetary amount
  954 X R 1/10 percent
  955 X ID 2/2 tax jurisdiction code qualifier
  956 X AN 1/10 tax jurisdiction code
  441 X ID 1/1 tax exempt code
  662 O ID 1/1 relationship code
  828 O R 1/9 dollar basis for percent
  325 O AN 1/20 tax identification number
  350 O AN 1/20 assigned identification
BAK Beginning Segment for Purchase Order Acknowledgment
  353 M ID 2/2 transaction set purpose code
  587 M ID 2/2 acknowledgment type = AC AD AE AH AK AP AT NA RD RF RJ RO RV ZZ
  324 M AN 1/22 purchase order number
  373 M DT 8/8 date
  328 O AN 1/30 release number
  326 O AN 1/45 request reference number
  367 O AN 1/30 contract number
  127 O AN 1/30 reference identification
  373 O DT 8/8 date
  640 O ID 2/2 transaction type code
ACK Line Item Acknowledgment | P0203 P0405 C0504 P0708 P0910 P1112
  | P1314 P1516 P1718 P1920 P2122 P2324 P2526 C2827
  668 M ID 2/2 line item status code = AC AR BP DR IA IB IC ID IE IF
  = IH IP IQ IR IS IW R1 R2 R3 R4 SP
  380 X R 1/15 quantity
  355 X ID 2/2 unit or basis for measurement code
  374 X ID 3/3 date/time qualifier
  373 X DT 8/8 date
  326 O AN 1/45 request reference number
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  559 O ID 2/2 agency qualifier code
  822 X AN 1/15 source subqualifier
  1271 O AN 1/30 industry code
SCH Line Item Schedule
  380 M R 1/15 quantity
  355 M ID 2/2 unit or basis for measurement code
  98 X ID 2/3 entity identifier code
  93 X AN 1/60 name
  374 M ID 3/3 date/time qualifier
  373 M DT 8/8 date
  337 O TM 4/8 time
  374 X ID 3/3 date/time qualifier
  373 X DT 8/8 date
  337 O TM 4/8 time
  326 O AN 1/45 request reference number
  350 O AN 1/20 assigned identification
  1019 O ID 3/3 invoice type code
BSN Beginning Segment for Ship Notice
  353 M ID 2/2 transaction set purpose code
  396 M AN 2/30 shipment identification
  373 M DT 8/8 date
  337 M TM 4/8 time
  1005 O ID 4/4 hierarchical structure code
  640 X ID 2/2 transaction type code
  641 O ID 3/3 status reason code
HL Hierarchical Level
  628 M AN 1/12 hierarchical id number
  734 O AN 1/12 hierarchical parent id number
  735 M ID 1/2 hierarchical level code
  736 O ID 1/1 hierarchical child code = 0 1
PRF Purchase Order Reference
  324 M AN 1/22 purchase order number
  328 O AN 1/30 release number
  327 O AN 1/8 change order sequence number
  373 O DT 8/8 date
  350 O AN 1/20 assigned identification
  367 O AN 1/30 contract number
  92 O ID 2/2 purchase order type code
SN1 Item Detail (Shipment) | P0506
  350 O AN 1/20 assigned identification
  382 M R 1/10 number of units shipped
  355 M ID 2/2 unit or basis for measurement code
  646 O R 1/9 quantity shipped to date
  330 X R 1/15 quantity ordered
  355 X ID 2/2 unit or basis for measurement code
  728 O ID 2/2 returnable container load make-up code
  668 O ID 2/2 line item status code
MAN Marks and Numbers
  88 M ID 1/2 marks and numbers qualifier
  87 M AN 1/48 marks and numbers
  87 O AN 1/48 marks and numbers
  88 X ID 1/2 marks and numbers qualifier
  87 X AN 1/48 marks and numbers
  87 O AN 1/48 marks and numbers
BIG Beginning Segment for Invoice
  373 M DT 8/8 date
  76 M AN 1/22 invoice number
  373 O DT 8/8 date
  324 O AN 1/22 purchase order number
  328 O AN 1/30 release number
  327 O AN 1/8 change order sequence number
  640 O ID 2/2 transaction type code
  353 O ID 2/2 transaction set purpose code
  306 O ID 1/2 action code
  76 O AN 1/22 invoice number
IT1 Baseline Item Data (Invoice) | P020304 P0607 P0809 P1011 P1213 P1415
  | P1617 P1819 P2021 P2223 P2425
  350 O AN 1/20 assigned identification
  358 X R 1/10 quantity invoiced
  355 X ID 2/2 unit or basis for measurement code
  212 X R 1/17 unit price
  639 O ID 2/2 basis of unit price code
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
  235 X ID 2/2 product/service id qualifier
  234 X AN 1/48 product/service id
TDS Total Monetary Value Summary
  610 M N2 1/15 amount
  610 O N2 1/15 amount
  610 O N2 1/15 amount
  610 O N2 1/15 amount
CAD Carrier Detail
  91 O ID 1/2 transportation method/type code
  206 O AN 1/4 equipment initial
  207 O AN 1/10 equipment number
  140 X ID 2/4 standard carrier alpha code
  387 X AN 1/35 routing
  368 O ID 2/2 shipment/order status code
  128 O ID 2/3 reference identification qualifier
  127 X AN 1/30 reference identification
  284 O ID 1/2 service level code
ISS Invoice Shipment Summary | P0102 P0304
  382 X R 1/10 number of units shipped
  355 X ID 2/2 unit or basis for measurement code
  81 X R 1/10 weight
  355 X ID 2/2 unit or basis for measurement code
  183 X R 1/8 volume
  355 X ID 2/2 unit or basis for measurement code
  380 X R 1/15 quantity
  81 X R 1/10 weight
AK1 Functional Group Response Header
  479 M ID 2/2 functional identifier code
  28 M N0 1/9 group control number
  480 O AN 1/12 version / release / industry identifier code
AK2 Transaction Set Response Header
  143 M ID 3/3 transaction set identifier code
  329 M AN 4/9 transaction set control number
  1705 O AN 1/35 implementation convention reference
AK3 Data Segment Note
  721 M ID 2/3 segment id code
  719 M N0 1/10 segment position in transaction set
  447 O AN 1/4 loop identifier code
  720 O ID 1/3 segment syntax error code
AK4 Data Element Note
  C030 M C position in segment
    722 M N0 1/2 element position in segment
    1528 O N0 1/2 component data element position in composite
    1686 O N0 1/4 repeating data element position
  725 O N0 1/4 data element reference number
  723 M ID 1/3 data element syntax error code
  724 O AN 1/99 copy of bad data element
AK5 Transaction Set Response Trailer
  717 M ID 1/1 transaction set acknowledgment code = A E M R W X
  718 O ID 1/3 transaction set syntax error code
  718 O ID 1/3 transaction set syntax error code
  718 O ID 1/3 transaction set syntax error code
  718 O ID 1/3 transaction set syntax error code
  718 O ID 1/3 transaction set syntax error code
AK9 Functional Group Response Trailer
  715 M ID 1/1 functional group acknowledge code = A E M P R W X
  97 M N0 1/6 number of transaction sets included
  123 M N0 1/6 number of received transaction sets
  2 M N0 1/6 number of accepted transaction sets
  716 O ID 1/3 functional group syntax error code
  716 O ID 1/3 functional group syntax error code
  716 O ID 1/3 functional group syntax error code
  716 O ID 1/3 functional group syntax error code
  716 O ID 1/3 functional group syntax error code
IK3 Implementation Data Segment Note
  721 M ID 2/3 segment id code
  719 M N0 1/10 segment position in transaction set
  447 O AN 1/4 loop identifier code
  620 M ID 1/3 implementation segment syntax error code
CTX Context
  C998 M C context identification *10
    9999 M AN 1/35 context name
    9998 O AN 1/35 context reference
  721 O ID 2/3 segment id code
  719 O N0 1/10 segment position in transaction set
  447 O AN 1/4 loop identifier code
  C030 O C position in segment
    722 M N0 1/2 element position in segment
    1528 O N0 1/2 component data element position in composite
    1686 O N0 1/4 repeating data element position
  C999 O C reference in segment
    725 M N0 1/4 data element reference number
    725 O N0 1/4 data element reference number
IK4 Implementation Data Element Note
  C030 M C position in segment
    722 M N0 1/2 element position in segment
    1528 O N0 1/2 component data element position in composite
    1686 O N0 1/4 repeating data element position
  725 O N0 1/4 data element reference number
  621 M ID 1/3 implementation data element syntax error code
  724 O AN 1/99 copy of bad data element
IK5 Implementation Transaction Set Response Trailer
  717 M ID 1/1 transaction set acknowledgment code = A E M R W X
  618 O ID 1/3 implementation transaction set syntax error code
  618 O ID 1/3 implementation transaction set syntax error code
  618 O ID 1/3 implementation transaction set syntax error code
  618 O ID 1/3 implementation transaction set syntax error code
  618 O ID 1/3 implementation transaction set syntax error code
""")
