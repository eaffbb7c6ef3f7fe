"""EDIFACT segment dictionary (UN/EDIFACT D.93A to D.01B) for the supported messages."""

from .core import parse_segments

SEGMENTS = parse_segments("""
UNH Message header
  0062 M an..14 message reference number
  S009 M C message identifier
    0065 M an..6 message type
    0052 M an..3 message version number
    0054 M an..3 message release number
    0051 M an..2 controlling agency
    0057 O an..6 association assigned code
  0068 O an..35 common access reference
  S010 O C status of the transfer
    0070 M n..2 sequence of transfers
    0073 O a1 first and last transfer
UNT Message trailer
  0074 M n..6 number of segments in the message
  0062 M an..14 message reference number
BGM Beginning of message
  C002 O C document/message name
    1001 O an..3 document name code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    1000 O an..35 document name
  C106 O C document/message identification
    1004 O an..35 document identifier
    1056 O an..9 version identifier
    1060 O an..6 revision identifier
  1225 O an..3 message function code = 1 2 3 4 5 6 7 9 11 12 13 14 15 16
  = 27 29 30 31 33 34 35 42 43 44 45 46 47
  4343 O an..3 response type code
DTM Date/time/period
  C507 M C date/time/period
    2005 M an..3 date or time or period function code qualifier
    2380 O an..35 date or time or period text
    2379 O an..3 date or time or period format code
PAI Payment instructions
  C534 M C payment instruction details
    4439 O an..3 payment conditions code
    4431 O an..3 payment guarantee means code
    4461 O an..3 payment means code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    4435 O an..3 payment channel code
ALI Additional information
  3239 O an..3 country of origin name code
  9213 O an..3 duty regime type code
  4183 O an..3 special condition code
  4183 O an..3 special condition code
  4183 O an..3 special condition code
  4183 O an..3 special condition code
  4183 O an..3 special condition code
IMD Item description
  7077 O an..3 description format code
  C272 O C item characteristic
    7081 O an..3 item characteristic code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C273 O C item description
    7009 O an..17 item description code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    7008 O an..256 item description
    7008 O an..256 item description
    3453 O an..3 language name code
  7383 O an..3 surface or layer code
FTX Free text
  4451 M an..3 text subject code qualifier
  4453 O an..3 free text function code
  C107 O C text reference
    4441 M an..17 free text value code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C108 O C text literal
    4440 M an..512 free text value
    4440 O an..512 free text value
    4440 O an..512 free text value
    4440 O an..512 free text value
    4440 O an..512 free text value
  3453 O an..3 language name code
  4447 O an..3 free text format code
RFF Reference
  C506 M C reference
    1153 M an..3 reference code qualifier
    1154 O an..70 reference identifier
    1156 O an..6 document line identifier
    4000 O an..35 reference version identifier
    1060 O an..6 revision identifier
NAD Name and address
  3035 M an..3 party function code qualifier
  C082 O C party identification details
    3039 M an..35 party identifier
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C058 O C name and address
    3124 M an..35 name and address description
    3124 O an..35 name and address description
    3124 O an..35 name and address description
    3124 O an..35 name and address description
    3124 O an..35 name and address description
  C080 O C party name
    3036 M an..70 party name
    3036 O an..70 party name
    3036 O an..70 party name
    3036 O an..70 party name
    3036 O an..70 party name
    3045 O an..3 party name format code
  C059 O C street
    3042 M an..35 street and number or post office box identifier
    3042 O an..35 street and number or post office box identifier
    3042 O an..35 street and number or post office box identifier
    3042 O an..35 street and number or post office box identifier
  3164 O an..35 city name
  C819 O C country sub-entity details
    3229 O an..9 country sub-entity name code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    3228 O an..70 country sub-entity name
  3251 O an..17 postal identification code
  3207 O an..3 country name code
LOC Place/location identification
  3227 M an..3 location function code qualifier
  C517 O C location identification
    3225 O an..35 location name code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    3224 O an..256 location name
  C519 O C related location one identification
    3223 O an..25 first related location name code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    3222 O an..70 first related location name
  C553 O C related location two identification
    3233 O an..25 second related location name code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    3232 O an..70 second related location name
  5479 O an..3 relation code
CTA Contact information
  3139 O an..3 contact function code
  C056 O C contact details
    3413 O an..17 contact identifier
    3412 O an..256 contact name
COM Communication contact
  C076 M C communication contact
    3148 M an..512 communication address identifier
    3155 M an..3 communication means type code
TAX Duty/tax/fee details
  5283 M an..3 duty or tax or fee function code qualifier
  C241 O C duty/tax/fee type
    5153 O an..3 duty or tax or fee type name code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    5152 O an..35 duty or tax or fee type name
  C533 O C duty/tax/fee account detail
    5289 M an..6 duty or tax or fee account code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  5286 O an..15 duty or tax or fee assessment basis value
  C243 O C duty/tax/fee detail
    5279 O an..7 duty or tax or fee rate code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    5278 O an..17 duty or tax or fee rate
    5273 O an..12 duty or tax or fee rate basis code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  5305 O an..3 duty or tax or fee category code
  3446 O an..20 party tax identifier
  1227 O an..3 calculation sequence code
MOA Monetary amount
  C516 M C monetary amount
    5025 M an..3 monetary amount type code qualifier
    5004 O n..18 monetary amount
    6345 O an..3 currency identification code
    6343 O an..3 currency type code qualifier
    4405 O an..3 status description code
CUX Currencies
  C504 O C currency details
    6347 M an..3 currency usage code qualifier
    6345 O an..3 currency identification code
    6343 O an..3 currency type code qualifier
    6348 O n..4 currency rate
  C504 O C currency details
    6347 M an..3 currency usage code qualifier
    6345 O an..3 currency identification code
    6343 O an..3 currency type code qualifier
    6348 O n..4 currency rate
  5402 O n..12 currency exchange rate
  6341 O an..3 exchange rate currency market identifier
PAT Payment terms basis
  4279 M an..3 payment terms type code qualifier
  C110 O C payment terms
    4277 O an..17 payment terms description identifier
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    4276 O an..35 payment terms description
    4276 O an..35 payment terms description
  C112 O C terms/time information
    2475 M an..3 time reference code
    2009 O an..3 terms time relation code
    2151 O an..3 period type code
    2152 O n..3 period count quantity
PCD Percentage details
  C501 M C percentage details
    5245 M an..3 percentage type code qualifier
    5482 O n..10 percentage
    5249 O an..3 percentage basis identification code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
TDT Details of transport
  8051 M an..3 transport stage code qualifier
  8028 O an..17 means of transport journey identifier
  C220 O C mode of transport
    8067 O an..3 transport mode name code
    8066 O an..17 transport mode name
  C228 O C transport means
    8179 O an..8 transport means description code
    8178 O an..17 transport means description
  C040 O C carrier
    3127 O an..17 carrier identifier
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    3128 O an..35 carrier name
  8101 O an..3 transit direction indicator code
  C401 O C excess transportation information
    8457 M an..3 excess transportation reason code
    8459 M an..3 excess transportation responsibility code
    7130 O an..17 customer shipment authorisation identifier
  C222 O C transport identification
    8213 O an..35 transport means identification name identifier
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    8212 O an..70 transport means identification name
    8453 O an..3 transport means nationality code
  8281 O an..3 transport means ownership indicator code
TOD Terms of delivery or transport
  4055 O an..3 delivery or transport terms function code
  4215 O an..3 transport charges payment method code
  C100 O C terms of delivery or transport
    4053 O an..3 delivery or transport terms description code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    4052 O an..70 delivery or transport terms description
    4052 O an..70 delivery or transport terms description
PAC Package
  7224 O n..8 package quantity
  C531 O C packaging details
    7075 O an..3 packaging level code
    7233 O an..3 packaging related description code
    7073 O an..3 packaging terms and conditions code
  C202 O C package type
    7065 O an..17 package type description code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    7064 O an..35 type of packages
  C402 O C package type identification
    7077 M an..3 description format code
    7064 M an..35 type of packages
    7143 O an..3 item type identification code
    7064 O an..35 type of packages
    7143 O an..3 item type identification code
  C532 O C returnable package details
    8395 O an..3 returnable package freight payment responsibility code
    8393 O an..3 returnable package load contents code
MEA Measurements
  6311 M an..3 measurement purpose code qualifier
  C502 O C measurement details
    6313 O an..3 measured attribute code
    6321 O an..3 measurement significance code
    6155 O an..17 non-discrete measurement name code
    6154 O an..70 non-discrete measurement name
  C174 O C value/range
    6411 M an..3 measurement unit code
    6314 O an..18 measure
    6162 O n..18 range minimum quantity
    6152 O n..18 range maximum quantity
    6432 O n..2 significant digits quantity
  7383 O an..3 surface or layer code
PCI Package identification
  4233 O an..3 marking instructions code
  C210 O C marks & labels
    7102 M an..35 shipping marks description
    7102 O an..35 shipping marks description
    7102 O an..35 shipping marks description
  8275 O an..3 container or package contents indicator code
  C827 O C type of marking
    7511 M an..3 marking type code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
GIN Goods identity number
  7405 M an..3 object identification code qualifier
  C208 M C identity number range
    7402 M an..35 object identifier
    7402 O an..35 object identifier
  C208 O C identity number range
    7402 M an..35 object identifier
    7402 O an..35 object identifier
  C208 O C identity number range
    7402 M an..35 object identifier
    7402 O an..35 object identifier
  C208 O C identity number range
    7402 M an..35 object identifier
    7402 O an..35 object identifier
  C208 O C identity number range
    7402 M an..35 object identifier
    7402 O an..35 object identifier
SCC Scheduling conditions
  4017 M an..3 delivery plan commitment level code
  4493 O an..3 delivery instruction code
  C329 O C pattern description
    2013 O an..3 frequency code
    2015 O an..3 despatch pattern code
    2017 O an..3 despatch pattern timing code
QTY Quantity
  C186 M C quantity details
    6063 M an..3 quantity type code qualifier
    6060 M n..15 quantity
    6411 O an..8 measurement unit code
ALC Allowance or charge
  5463 M an..3 allowance or charge code qualifier
  C552 O C allowance/charge information
    1230 O an..35 allowance or charge identifier
    5189 O an..3 allowance or charge identification code
  4471 O an..3 settlement means code
  1227 O an..3 calculation sequence code
  C214 O C special services identification
    7161 O an..3 special service description code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    7160 O an..35 special service description
    7160 O an..35 special service description
LIN Line item
  1082 O an..6 line item identifier
  1229 O an..3 action request/notification description code
  C212 O C item number identification
    7140 O an..35 item identifier
    7143 O an..3 item type identification code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C829 O C sub-line information
    5495 O an..3 sub-line indicator code
    1082 O an..6 line item identifier
  1222 O n..2 configuration level number
  7083 O an..3 configuration operation code
PIA Additional product id
  4347 M an..3 product identifier code qualifier
  C212 M C item number identification
    7140 O an..35 item identifier
    7143 O an..3 item type identification code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C212 O C item number identification
    7140 O an..35 item identifier
    7143 O an..3 item type identification code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C212 O C item number identification
    7140 O an..35 item identifier
    7143 O an..3 item type identification code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C212 O C item number identification
    7140 O an..35 item identifier
    7143 O an..3 item type identification code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
  C212 O C item number identification
    7140 O an..35 item identifier
    7143 O an..3 item type identification code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
PRI Price details
  C509 O C price information
    5125 M an..3 price code qualifier
    5118 O n..15 price amount
    5375 O an..3 price type code
    5387 O an..3 price specification code
    5284 O n..9 unit price basis quantity
    6411 O an..8 measurement unit code
  5213 O an..3 sub-line item price change operation code
UNS Section control
  0081 M a1 section identification = D S
CNT Control total
  C270 M C control
    6069 M an..3 control total type code qualifier
    6066 M n..18 control total quantity
    6411 O an..8 measurement unit code
CPS Consignment packing sequence
  7164 M an..35 hierarchical structure level identifier
  7166 O an..35 hierarchical structure parent identifier
  7075 O an..3 packaging level code
DOC Document/message details
  C002 M C document/message name
    1001 O an..3 document name code
    1131 O an..17 code list identification code
    3055 O an..3 code list responsible agency code
    1000 O an..35 document name
  C503 O C document/message details
    1004 O an..35 document identifier
    1373 O an..3 document status code
    1366 O an..70 document source description
    3453 O an..3 language name code
    1056 O an..9 version identifier
    1060 O an..6 revision identifier
UCI Interchange response
  0020 M an..14 interchange control reference
  S002 M C interchange sender
    0004 M an..35 interchange sender identification
    0007 O an..4 identification code qualifier
    0008 O an..35 interchange sender internal identification
  S003 M C interchange recipient
    0010 M an..35 interchange recipient identification
    0007 O an..4 identification code qualifier
    0014 O an..35 interchange recipient internal identification
  0083 M an..3 action code = 4 7 8
  0085 O an..3 syntax error code
  0135 O an..3 service segment tag
  S011 O C data element identification
    0098 M an..3 erroneous data element position in segment
    0104 O an..3 erroneous component data element position
    0136 O an..6 erroneous data element occurrence
  0534 O an..35 security reference number
  0325 O an..35 security segment position
UCM Message/package response
  0062 O an..14 message reference number
  S009 O C message identifier
    0065 M an..6 message type
    0052 M an..3 message version number
    0054 M an..3 message release number
    0051 M an..3 controlling agency
    0057 O an..6 association assigned code
  0083 M an..3 action code = 4 7
  0085 O an..3 syntax error code
  0135 O an..3 service segment tag
  S011 O C data element identification
    0098 M an..3 erroneous data element position in segment
    0104 O an..3 erroneous component data element position
    0136 O an..6 erroneous data element occurrence
  0800 O an..35 package reference number
UCS Segment error indication
  0096 M n..6 segment position in message body
  0085 O an..3 syntax error code
UCD Data element error indication
  0085 M an..3 syntax error code
  S011 M C data element identification
    0098 M an..3 erroneous data element position in segment
    0104 O an..3 erroneous component data element position
    0136 O an..6 erroneous data element occurrence
UCF Group response
  0048 M an..14 group reference number
  S006 O C application sender identification
    0040 M an..35 application sender identification
    0007 O an..4 identification code qualifier
  S007 O C application recipient identification
    0044 M an..35 application recipient identification
    0007 O an..4 identification code qualifier
  0083 M an..3 action code = 4 7
  0085 O an..3 syntax error code
  0135 O an..3 service segment tag
  S011 O C data element identification
    0098 M an..3 erroneous data element position in segment
    0104 O an..3 erroneous component data element position
    0136 O an..6 erroneous data element occurrence
""")
