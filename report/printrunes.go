package report

// literalRunes is every character other than ASCII in the string literals
// of this package and of package supervision, in code point order: what
// labels, units and status names can print, which every cut font holds.
// TestLiteralRunesCurrent checks it; go test ./report -run LiteralRunes
// -update rewrites it.
const literalRunes = "·–—“”…□\u3000、。〓一七三上下不与且业两严个中为主久九事二于互五交产人亿从他代以件任企会位体作例促保信修值健允元先入全八公六共其内再写决况出分划别到制前办加务十协单占印原参双反发取受另只召可台号各合同名后含告员响四围在地场址均坐型城基填备复多大天头如始委字存季学安完定实审对导小少尘尚展属工已常平年庆序应度康建开式张当录影待必快态性总息情意慢成或截所手打扬批技投报拉拍拟择持指按据排接推描提摄撤收改数整文料新施无日旬时明是更最月有服期未末本术机果查标校核根格检概次正此步段比气求没法注清滞点照片版牵状率现理生用由留百的目直相看督知码研确离科称程稿空站竣符第等答签简算管类素累红约级纳线练组结给继续编缺职能至致般色节英范草落补西要见解计认记许诉试该详说请读调负责质资超距路车较输过近还进述送适选造逾部里重量链销错长门问间阶附际降限障需页项须领题额馈验高（），－．０９：；"
