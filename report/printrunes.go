package report

// literalRunes is every character other than ASCII in the string literals
// of this package and of package supervision, in code point order: what
// labels, units and status names can print, which every cut font holds.
// TestLiteralRunesCurrent checks it; go test ./report -run LiteralRunes
// -update rewrites it.
const literalRunes = "²³·–—“”…‰−□、。〓㎡一七万三上下不与且业两严个中为主久之九也书事二于互五交产人亿从他代以件任企会位低体作例促保信修值健允元充先入全八公六共其内再写决况准出分划列删别到制前办加务十千协单占印原参及双反发取受变另只召可台号各合同名后否吨含告员和响四回围在地场址均坐型城基填增处备复多大天太头如始委子字存季学它安完定实审对导将小少尘尚展属工己已常平年并庆序库应度康延建开式张当录形影待必快态性总息您情意慢成或截所手打扬批技投报拉拍拟择持指按换据排接推描提摄撤收改效数整文料新方施无既日旬时明是晚晰更最月有服期未末本术机条果查标校核根格检概次正此步段比气求没法注添清滞点照片版牵状率现理生用由电留登百的目直相看督知码研确离科称程稿空立站竣符第等答签简算管米类素累红约级纳线练组结给继续编缺职能自至致般色节英范草落行补表西要见解计认记许设证诉试该详误说请读调象负责账质资超距路车转较输辨过近还这进迟述退送适选逐逗通造逾部里重量链销错长门问间阶附际降限除隔障需面页项须领题额馈验高％（）＋，－．０９：；ＡＺａｚ"
