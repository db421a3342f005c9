package report

// literalRunes is every character other than ASCII in the string literals
// of this package and of package supervision, in code point order: what
// labels, units and status names can print, which every cut font holds.
// TestLiteralRunesCurrent checks it; go test ./report -run LiteralRunes
// -update rewrites it.
const literalRunes = "\u00a0£¥°²³·—‘’“”‥…‰℃−⋯□\u3000、。〈〉《》「」『』【】〓〔〕〖〗〘〙〚〛〜〝〟ぁぃぅぇぉっゃゅょ゛゜ァィゥェォッャュョ・ー㎡一万三上下不与且业两严个中为主之也二于互五交产人亿从他代以件任企会位体作例保信修值健允元充先入全公六共其内再写决况出分划删别到制前办加务千协单印原参双反发取受变只可台号合同名后吨告员和响四回围在地场址坐型城基填增处备复多大天太头如始字存季学它安完定实审对导小少尘尚展属工己已常平年庆序应度康延建开式张当录形影待必态性总息您情意成或截所手打扬批技投报拉拍择指按换据接描提摄撤收改效数整文料新方施无既日时明是晚更最月有服期未本术机条果查标校核根格检概次正此步段比气求没法注添清滞点照片版牵状率现理生用由留登的目直相看督知码研确离科称程稿空立站竣符第等答签简算管米类素累红约级纳线练结给续编缺能自至致般色节英范草行补西要见解计认记许设证诉试该详误说请读调象负责账质资超距路车转较输过近还这进述退适选逐逗通造逾部里重量链销错长门问间阶附际限除隔障需页项须领题额馈验高！＄％（）＋，－．０９：；＜＞？ＡＺ［］ａｚ｛｝～｡｣､￥"
