package report

// literalRunes is every character other than ASCII in the string literals
// of this package and of package supervision, in code point order: what
// labels, units and status names can print, which every cut font holds.
// TestLiteralRunesCurrent checks it; go test ./report -run LiteralRunes
// -update rewrites it.
const literalRunes = "·—“”…□\u3000、。〓一三上下不与且业两严个中为主二于互五交产人亿从他代以件任企会位体例保信修值健允元先入全公六共其内再写决况出分划别制前办加务协单印原参双反发取受只可台号合同名后告员响四围在地场址坐型城基填备复多大天头如始字存季学安完定实审对导小少尘尚展属工已常平年庆序应度康建开式张当录影待必态性总息情意成或截所手打扬批技投报拉拍择指按据接描提摄撤收改数整文料新施无日时明是更最月有服期未本术机果查标校核根格检概次正此段气求没法注清滞点照片版牵状率现理生用由留的目直相看督知码研确离科称程稿空站竣符第等答签简算管类素累红约级纳线练结给续编缺能至致般色节英范草补西要见解计认记许诉试该详说请读调负责质资超距路车较输近还进述适选造逾部里重量链销错长门问间阶附际限障需页项须题额馈验高（），－．０９：；"
